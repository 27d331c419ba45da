package email

import (
	"crypto/tls"
	"encoding/pem"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/stretchr/testify/require"
)

// received is one mail the test server accepted.
type received struct {
	From string
	To   []string
	Data []byte
	User string // who authenticated, "" when nobody did
}

// mailServer is a real SMTP server (go-smtp) on loopback that keeps what it
// receives. Credentials are user/secret-pw for both PLAIN and LOGIN.
type mailServer struct {
	Addr   string
	CAFile string // PEM of the server's certificate, for ca_file

	mu   sync.Mutex
	mail []received
}

// startMailServer listens on 127.0.0.1:0; implicit wraps the listener in TLS.
func startMailServer(t *testing.T, implicit bool) *mailServer {
	t.Helper()
	certs, caFile := testCert(t)
	ms := &mailServer{CAFile: caFile}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &session{srv: ms}, nil
	}))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.TLSConfig = &tls.Config{Certificates: certs}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	if implicit {
		l = tls.NewListener(l, srv.TLSConfig)
	}
	ms.Addr = l.Addr().String()
	done := make(chan struct{})
	go func() { _ = srv.Serve(l); close(done) }()
	t.Cleanup(func() { srv.Close(); <-done })
	return ms
}

// testCert borrows httptest's certificate (valid for 127.0.0.1) and writes
// it as a CA file.
func testCert(t *testing.T) ([]tls.Certificate, string) {
	t.Helper()
	hs := httptest.NewTLSServer(http.NotFoundHandler())
	defer hs.Close()
	file := filepath.Join(t.TempDir(), "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: hs.Certificate().Raw})
	require.NoError(t, os.WriteFile(file, pemBytes, 0o600))
	return hs.TLS.Certificates, file
}

func (ms *mailServer) received() []received {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	return append([]received(nil), ms.mail...)
}

type session struct {
	srv  *mailServer
	cur  received
	user string
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain, sasl.Login} }

func (s *session) Auth(mech string) (sasl.Server, error) {
	check := func(user, pass string) error {
		if user != "user" || pass != "secret-pw" {
			return smtp.ErrAuthFailed
		}
		s.user = user
		return nil
	}
	if mech == sasl.Login {
		return &loginServer{check: check}, nil
	}
	return sasl.NewPlainServer(func(_, u, p string) error { return check(u, p) }), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.user == "" {
		return smtp.ErrAuthRequired
	}
	s.cur = received{From: from, User: s.user}
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.cur.To = append(s.cur.To, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.cur.Data = b
	s.srv.mu.Lock()
	s.srv.mail = append(s.srv.mail, s.cur)
	s.srv.mu.Unlock()
	return nil
}

func (s *session) Reset()        { s.cur = received{} }
func (s *session) Logout() error { return nil }

// loginServer is the server side of AUTH LOGIN (go-sasl ships only the client).
type loginServer struct {
	check func(user, pass string) error
	step  int
	user  string
}

func (l *loginServer) Next(resp []byte) ([]byte, bool, error) {
	l.step++
	switch l.step {
	case 1:
		if resp != nil { // initial response carries the user name
			l.user = string(resp)
			l.step++
			return []byte("Password:"), false, nil
		}
		return []byte("Username:"), false, nil
	case 2:
		l.user = string(resp)
		return []byte("Password:"), false, nil
	case 3:
		return nil, true, l.check(l.user, string(resp))
	}
	return nil, true, errors.New("unexpected LOGIN step")
}
