package device

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Bounds of an XML answer turned into a tree.
const (
	maxXMLDepth    = 64
	maxXMLElements = 100_000
)

// xmlToJSON turns an XML answer (Hikvision ISAPI) into JSON so that the same
// gjson paths read it: the root element is the top key, an element with
// children becomes an object, a repeated element an array, an element with
// only text its trimmed text. Attributes and namespaces are dropped.
func xmlToJSON(data []byte) ([]byte, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	n := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil, errors.New("no XML element in the answer")
			}
			return nil, fmt.Errorf("XML: %w", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			v, err := xmlElement(dec, 1, &n)
			if err != nil {
				return nil, err
			}
			return json.Marshal(map[string]any{se.Name.Local: v})
		}
	}
}

// xmlElement reads the rest of an element whose start was just read.
func xmlElement(dec *xml.Decoder, depth int, n *int) (any, error) {
	if depth > maxXMLDepth {
		return nil, fmt.Errorf("XML nested deeper than %d", maxXMLDepth)
	}
	var text strings.Builder
	var kids map[string]any
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("XML: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if *n++; *n > maxXMLElements {
				return nil, fmt.Errorf("XML has more than %d elements", maxXMLElements)
			}
			v, err := xmlElement(dec, depth+1, n)
			if err != nil {
				return nil, err
			}
			if kids == nil {
				kids = map[string]any{}
			}
			addChild(kids, t.Name.Local, v)
		case xml.CharData:
			if text.Len() < 64<<10 {
				text.Write(t)
			}
		case xml.EndElement:
			if kids != nil {
				return kids, nil
			}
			return strings.TrimSpace(text.String()), nil
		}
	}
}

// addChild files a child value; the second of a name makes an array.
func addChild(kids map[string]any, name string, v any) {
	prev, ok := kids[name]
	switch {
	case !ok:
		kids[name] = v
	case isList(prev):
		kids[name] = append(prev.([]any), v)
	default:
		kids[name] = []any{prev, v}
	}
}

func isList(v any) bool {
	_, ok := v.([]any)
	return ok
}
