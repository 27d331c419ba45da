package httpsec

import (
	"fmt"
	"os"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/smx509"
)

// sm2Refusal reports whether certFile holds an SM2 certificate (read with
// gmsm's smx509, which knows the SM2 OIDs crypto/x509 does not), as an error
// wrapping ErrSM2Certificate; nil when it does not or cannot tell.
func sm2Refusal(certFile string) error {
	b, err := os.ReadFile(certFile)
	if err != nil {
		return nil
	}
	cert, err := smx509.ParseCertificatePEM(b)
	if err != nil || !sm2.IsSM2PublicKey(cert.PublicKey) {
		return nil
	}
	return fmt.Errorf("TLS certificate %s (%s): %w", certFile, cert.Subject.CommonName, ErrSM2Certificate)
}
