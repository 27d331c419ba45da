package snmp

import (
	"encoding/hex"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gosnmp/gosnmp"
)

// number converts a numeric varbind to float64. Strings, OIDs and the
// exception types are not numbers.
func number(pdu gosnmp.SnmpPDU) (float64, bool) {
	switch v := pdu.Value.(type) {
	case int:
		return float64(v), pdu.Type == gosnmp.Integer
	case uint:
		return float64(v), true
	case uint32:
		return float64(v), true
	case uint64:
		return float64(v), true
	case float32:
		return float64(v), true
	case float64:
		return v, true
	}
	return 0, false
}

// displayString reads an OCTET STRING holding text (DisplayString, SnmpAdminString).
// Trailing NULs, which some agents send, are dropped.
func displayString(pdu gosnmp.SnmpPDU) (string, bool) {
	b, ok := pdu.Value.([]byte)
	if pdu.Type != gosnmp.OctetString || !ok {
		return "", false
	}
	s := strings.TrimRight(string(b), "\x00")
	if !utf8.ValidString(s) {
		return "", false
	}
	return s, true
}

// printable renders an OCTET STRING that may be binary (an LLDP port or chassis
// id can be a MAC address): text when it is printable, else hex with colons.
func printable(pdu gosnmp.SnmpPDU) string {
	if s, ok := displayString(pdu); ok && s != "" && strings.IndexFunc(s, func(r rune) bool { return !unicode.IsPrint(r) }) < 0 {
		return s
	}
	b, _ := pdu.Value.([]byte)
	if len(b) == 0 {
		return ""
	}
	h := hex.EncodeToString(b)
	var sb strings.Builder
	for i := 0; i < len(h); i += 2 {
		if i > 0 {
			sb.WriteByte(':')
		}
		sb.WriteString(h[i : i+2])
	}
	return sb.String()
}

// asText renders a varbind for a profile filter: numbers in decimal, OIDs
// dotted with a leading dot, strings as text.
func asText(pdu gosnmp.SnmpPDU) string {
	if pdu.Type == gosnmp.ObjectIdentifier {
		s, _ := pdu.Value.(string)
		return normOID(s)
	}
	if v, ok := number(pdu); ok {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	s, _ := displayString(pdu)
	return s
}
