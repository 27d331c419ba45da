package syslog

import (
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors/syslog/logparse"
	"github.com/swanwatch/swanwatch/internal/testpeer"
)

// logparseClassifier is the wiring the application writes: the parser
// profiles behind the receiver's seam (the types convert field for field).
func logparseClassifier() Classifier {
	set := logparse.Default()
	return ClassifyFunc(func(m Message) (Record, bool) {
		r, ok := set.Parse(logparse.Message(m))
		return Record(r), ok
	})
}

// TestWithLogparse: lines as a Huawei USG (a vendor box: its published
// format from a UDP socket) and a Linux sshd (through util-linux logger)
// send them come out classified as docs/logs.md names them.
func TestWithLogparse(t *testing.T) {
	sink := newMemSink()
	r := start(t, local(), sink, logparseClassifier())
	u, err := net.Dial("udp", r.UDPAddr())
	require.NoError(t, err)
	defer u.Close()
	_, err = u.Write([]byte("<190>Dec  7 2026 09:15:02 USG6000-border %%01POLICY/6/POLICYDENY(l):vsys=public, protocol=6, " +
		"source-ip=198.51.100.23, source-port=51234, destination-ip=10.20.1.5, destination-port=3389, " +
		"time=2026/12/7 09:15:02, source-zone=untrust, destination-zone=trust, rule-name=default."))
	require.NoError(t, err)
	usg := sink.WaitFor(t, 1, 5*time.Second)[0]
	assert.Equal(t, "fw_deny", usg.Labels["class"], "%v", usg.Labels)
	assert.Equal(t, "198.51.100.23", usg.Labels["src_ip"])
	assert.Equal(t, "3389", usg.Labels["dst_port"])
	assert.Equal(t, "deny", usg.Labels["action"])
	assert.Equal(t, "%%01POLICY", usg.Labels["app"])
	assert.True(t, strings.HasPrefix(usg.Text, "%%01POLICY/6/POLICYDENY(l):"), usg.Text)

	bin := testpeer.LookBinary(t, "logger", "apt-get install bsdutils")
	port := r.TCPAddr()[strings.LastIndexByte(r.TCPAddr(), ':')+1:]
	out, err := exec.Command(bin, "-n", "127.0.0.1", "-P", port, "--tcp", "--rfc3164", "-p", "authpriv.info",
		"-t", "sshd", "--id=4242", "Failed password for root from 203.0.113.66 port 52311 ssh2").CombinedOutput()
	require.NoError(t, err, "%s", out)
	ssh := sink.WaitFor(t, 2, peerWait)[1]
	assert.Equal(t, "login_fail", ssh.Labels["class"], "%v", ssh.Labels)
	assert.Equal(t, "203.0.113.66", ssh.Labels["src_ip"])
	assert.Equal(t, "root", ssh.Labels["user"])
	assert.Equal(t, "sshd", ssh.Labels["app"])
	assert.Equal(t, "linux", ssh.Labels["vendor"])
}
