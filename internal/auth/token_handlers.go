package auth

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"
)

type createTokenRequest struct {
	User string `json:"user"` // default: the caller
	Name string `json:"name"`
	TTL  string `json:"ttl"` // Go duration ("720h"); empty: until revoked
}

type createTokenResponse struct {
	Token   string    `json:"token"` // shown once
	User    string    `json:"user"`
	Name    string    `json:"name"`
	Expires time.Time `json:"expires,omitzero"`
}

func (s *Service) ServeCreateToken(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	var req createTokenRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Name == "" {
		badInputCounter("token_body").Inc()
		writeError(w, http.StatusBadRequest, "bad_data", `请求格式错误：需要JSON {"name": "...", "ttl": "720h"}`)
		return
	}
	ttl, err := parseTTL(req.TTL)
	if err != nil {
		badInputCounter("token_body").Inc()
		writeError(w, http.StatusBadRequest, "bad_data", "有效期格式错误，例如 720h")
		return
	}
	if req.User == "" {
		p, _ := PrincipalFrom(r.Context())
		req.User = p.User
	}
	secret, err := s.CreateToken(r.Context(), req.User, req.Name, ttl)
	if err != nil {
		s.tokenError(w, err)
		return
	}
	resp := createTokenResponse{Token: secret, User: req.User, Name: req.Name}
	if ttl > 0 {
		resp.Expires = s.now().Add(ttl)
	}
	writeJSON(w, http.StatusCreated, resp)
}

func parseTTL(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, errors.New("bad ttl")
	}
	return d, nil
}

func (s *Service) ServeListTokens(w http.ResponseWriter, r *http.Request) {
	tokens, err := s.ListTokens(r.Context(), r.URL.Query().Get("user"))
	if err != nil {
		s.tokenError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"tokens": tokens})
}

func (s *Service) ServeRevokeToken(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("user") == "" || q.Get("name") == "" {
		writeError(w, http.StatusBadRequest, "bad_data", "需要参数 user 和 name")
		return
	}
	if err := s.RevokeToken(r.Context(), q.Get("user"), q.Get("name")); err != nil {
		s.tokenError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Service) tokenError(w http.ResponseWriter, err error) {
	var pe *PolicyError
	switch {
	case errors.As(err, &pe):
		writeError(w, http.StatusBadRequest, "bad_data", "令牌名称无效："+pe.Message)
	case errors.Is(err, ErrNoUser):
		writeError(w, http.StatusNotFound, "not_found", "用户不存在")
	case errors.Is(err, ErrNoToken):
		writeError(w, http.StatusNotFound, "not_found", "令牌不存在或已吊销")
	case errors.Is(err, ErrTokenExists):
		writeError(w, http.StatusConflict, "conflict", "该用户已有同名的有效令牌")
	default:
		s.log.Error("token api", "err", err)
		writeError(w, http.StatusInternalServerError, "internal", "令牌操作失败")
	}
}
