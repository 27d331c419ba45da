package demo

import (
	"net"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The receivers' ports are free and below the ephemeral range, where no
// bind to :0 can take them before the server starts.
func TestFreeAddrIsBelowTheEphemeralRange(t *testing.T) {
	for _, network := range []string{"udp", "tcp"} {
		addr, err := freeAddr(network)
		require.NoError(t, err)
		_, p, err := net.SplitHostPort(addr)
		require.NoError(t, err)
		port, err := strconv.Atoi(p)
		require.NoError(t, err)
		assert.GreaterOrEqual(t, port, portLow)
		assert.Less(t, port, 32768, "below Linux's ephemeral ports")
		assert.True(t, free(network, addr), "and free")
	}
}
