package smcrypto

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTextSealerRoundTripAndWrongKey(t *testing.T) {
	k, err := NewKey(bytes.Repeat([]byte{7}, KeySize))
	require.NoError(t, err)
	other, err := NewKey(bytes.Repeat([]byte{8}, KeySize))
	require.NoError(t, err)
	s := TextSealer{Key: k}
	sealed, err := s.Seal([]byte("JBSWY3DPEHPK3PXP"))
	require.NoError(t, err)
	assert.NotContains(t, sealed, "JBSWY3DPEHPK3PXP")
	plain, err := s.Open(sealed)
	require.NoError(t, err)
	assert.Equal(t, "JBSWY3DPEHPK3PXP", string(plain))
	_, err = TextSealer{Key: other}.Open(sealed)
	assert.ErrorIs(t, err, ErrOpen, "another key does not open it")
	assert.Equal(t, "sm4", s.Scheme())
}
