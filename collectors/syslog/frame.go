package syslog

import (
	"bufio"
	"errors"
	"io"
)

// framer splits a TCP/TLS stream into frames, telling the two framings of
// RFC 6587 apart frame by frame as its section 3.4 allows: a frame that starts
// with a digit is octet-counted ("123 <13>…"), one that starts with '<' (or
// anything else) ends at LF. A frame above max is read past and reported as
// oversized; the stream goes on. Only an octet count that is not a number
// (or an absurd one) loses the framing, and with it the connection.
type framer struct {
	br  *bufio.Reader
	max int
	buf []byte
}

// errFraming is returned when the octet count cannot be read.
var errFraming = errors.New("broken octet count")

// maxCountDigits allows counts up to 99,999,999; a larger one is not syslog.
const maxCountDigits = 8

func newFramer(r io.Reader, max int) *framer {
	return &framer{br: bufio.NewReaderSize(r, max+1), max: max}
}

// next returns the next frame without its trailer, valid until the next call.
// oversized reports a frame skipped for its size (frame is then nil). err is
// io.EOF at a clean end, errFraming, or the read error.
func (f *framer) next() (frame []byte, oversized bool, err error) {
	c, err := f.skipTrailers()
	if err != nil {
		return nil, false, err
	}
	if c >= '1' && c <= '9' {
		return f.counted()
	}
	return f.line()
}

// skipTrailers skips the LF, CR and NUL that senders put between frames
// (some end octet-counted frames with one too) and peeks the first byte.
func (f *framer) skipTrailers() (byte, error) {
	for {
		b, err := f.br.Peek(1)
		if err != nil {
			return 0, err
		}
		if b[0] != '\n' && b[0] != '\r' && b[0] != 0 {
			return b[0], nil
		}
		_, _ = f.br.Discard(1)
	}
}

// counted reads "LEN SP MSG".
func (f *framer) counted() ([]byte, bool, error) {
	n, digits := 0, 0
	for {
		c, err := f.br.ReadByte()
		if err != nil {
			return nil, false, unexpected(err)
		}
		if c == ' ' && digits > 0 {
			break
		}
		if c < '0' || c > '9' || digits == maxCountDigits {
			return nil, false, errFraming
		}
		n, digits = n*10+int(c-'0'), digits+1
	}
	if n > f.max {
		if _, err := f.br.Discard(n); err != nil {
			return nil, false, unexpected(err)
		}
		return nil, true, nil
	}
	if cap(f.buf) < n {
		f.buf = make([]byte, n)
	}
	f.buf = f.buf[:n]
	if _, err := io.ReadFull(f.br, f.buf); err != nil {
		return nil, false, unexpected(err)
	}
	return trimTrailer(f.buf), false, nil
}

// line reads up to LF; a last line without LF at EOF is a frame too.
func (f *framer) line() ([]byte, bool, error) {
	b, err := f.br.ReadSlice('\n')
	switch {
	case err == nil:
		return trimTrailer(b), false, nil
	case errors.Is(err, bufio.ErrBufferFull):
		return nil, true, f.skipLine()
	case errors.Is(err, io.EOF) && len(b) > 0:
		return trimTrailer(b), false, nil
	}
	return nil, false, err
}

// skipLine discards the rest of an oversized line.
func (f *framer) skipLine() error {
	for {
		_, err := f.br.ReadSlice('\n')
		if !errors.Is(err, bufio.ErrBufferFull) {
			if errors.Is(err, io.EOF) {
				return nil // the next call sees EOF
			}
			return err
		}
	}
}

// trimTrailer drops the LF, CR and NUL ending a frame.
func trimTrailer(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r' || b[len(b)-1] == 0) {
		b = b[:len(b)-1]
	}
	return b
}

// unexpected turns an EOF inside a frame into io.ErrUnexpectedEOF.
func unexpected(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}
