package cloudapi

import (
	_ "embed"
	"net/http"
)

// Spec is the API's OpenAPI 3 description, served as written.
//
//go:embed openapi.yaml
var Spec []byte

// OpenAPI answers GET /api/cloud/v1/openapi.yaml (supervisor): the description.
func OpenAPI() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(r.URL.RawQuery) > 0 {
			writeJSON(w, http.StatusBadRequest, map[string]map[string]string{"error": {"code": codeInvalid,
				"message": "此地址不接受参数"}})
			return
		}
		w.Header().Set("Content-Type", "application/yaml; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		_, _ = w.Write(Spec)
	})
}
