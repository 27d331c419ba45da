package cloudapi

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The description is served as application/yaml, the media type of RFC 9512;
// kin-openapi knows only the older application/x-yaml.
func init() { openapi3filter.RegisterBodyDecoder("application/yaml", openapi3filter.YamlBodyDecoder) }

// loadSpec loads the embedded description and checks it is valid OpenAPI 3.
func loadSpec(t testing.TB) (*openapi3.T, routers.Router) {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(Spec)
	require.NoError(t, err)
	require.NoError(t, doc.Validate(context.Background()), "openapi.yaml is not valid OpenAPI 3")
	router, err := gorillamux.NewRouter(doc)
	require.NoError(t, err)
	return doc, router
}

// call serves one GET through the API's route table and validates the
// request and the response against the description: a handler whose
// output drifts from the spec fails here. It returns the status and body.
func call(t testing.TB, a *API, router routers.Router, target string) (int, []byte) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	req.Header.Set("Authorization", "Bearer swt_test")
	mux := http.NewServeMux()
	for pattern, h := range a.Handlers() {
		mux.Handle(pattern, h)
	}
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	res := rec.Result()
	body, _ := io.ReadAll(res.Body)

	route, params, err := router.FindRoute(req)
	require.NoError(t, err, "no route in the spec for %s", target)
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	reqErr := openapi3filter.ValidateRequest(context.Background(), in)
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: res.StatusCode,
		Header: res.Header, Body: io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true}}
	require.NoError(t, openapi3filter.ValidateResponse(context.Background(), out),
		"response of %s does not match openapi.yaml: %.300s", target, body)
	if res.StatusCode == http.StatusOK {
		require.NoError(t, reqErr, "the handler accepted a request the spec refuses: %s", target)
	}
	return res.StatusCode, body
}

// Every path of the spec has a handler and every handler a path, both GET.
func TestSpecPathsMatchHandlers(t *testing.T) {
	doc, _ := loadSpec(t)
	var spec []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			spec = append(spec, method+" "+path)
		}
	}
	var handlers []string
	for pattern := range newFixture(t).api.Handlers() {
		handlers = append(handlers, pattern)
		assert.True(t, strings.HasPrefix(pattern, "GET "+Prefix), pattern)
	}
	slices.Sort(spec)
	slices.Sort(handlers)
	assert.Equal(t, spec, handlers)
}

// Every operation documents its error answers, and every description a
// reader at the bureau sees is Chinese.
func TestSpecDocumentsErrors(t *testing.T) {
	doc, _ := loadSpec(t)
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			for _, code := range []string{"200", "400", "401", "403"} {
				assert.NotNil(t, op.Responses.Value(code), "%s %s: no %s", method, path, code)
			}
			assert.True(t, hasHan(op.Summary), "%s %s summary %q", method, path, op.Summary)
			for _, p := range op.Parameters {
				assert.True(t, hasHan(p.Value.Description), "%s %s param %s", method, path, p.Value.Name)
			}
		}
	}
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}

func TestOpenAPIServesTheSpec(t *testing.T) {
	f := newFixture(t)
	_, router := loadSpec(t)
	code, body := call(t, f.api, router, Prefix+"openapi.yaml")
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, Spec, body)
	code, _ = call(t, f.api, router, Prefix+"openapi.yaml?x=1")
	assert.Equal(t, http.StatusBadRequest, code)
}

// decode reads a JSON answer into v.
func decode(t testing.TB, body []byte, v any) {
	t.Helper()
	require.NoError(t, json.Unmarshal(body, v), "%s", body)
}
