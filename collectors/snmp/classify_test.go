package snmp

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/gosnmp/gosnmp"
	"github.com/stretchr/testify/assert"
)

// After a v3 agent answered, an error gosnmp has no sentinel for means the
// answer does not verify with our keys; a sentinel of a malformed answer
// means a confused agent, and must not send the operator to check
// credentials.
func TestClassifyV3AnswerErrors(t *testing.T) {
	s := &session{g: &gosnmp.GoSNMP{Version: gosnmp.Version3}, ctx: context.Background(), recvs: 1}
	assert.ErrorIs(t, s.classify(errors.New("incoming packet is not authentic")), ErrAuth)
	for _, sentinel := range []error{gosnmp.ErrUnknownReportPDU, gosnmp.ErrInvalidMsgs, gosnmp.ErrUnknownPDUHandlers} {
		err := s.classify(fmt.Errorf("decode: %w", sentinel))
		assert.NotErrorIs(t, err, ErrAuth, "%v", sentinel)
		assert.ErrorIs(t, err, sentinel)
	}
	assert.ErrorIs(t, s.classify(gosnmp.ErrWrongDigest), ErrAuth)
}
