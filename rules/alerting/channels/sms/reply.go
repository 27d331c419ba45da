package sms

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// field reads the scalar at a dotted path ("result.code", "data.0.status") in
// a JSON reply and returns it as text: strings as they are, numbers as
// written, booleans as true/false, null as "null".
func field(reply []byte, path string) (string, error) {
	dec := json.NewDecoder(bytes.NewReader(reply))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return "", fmt.Errorf("not JSON: %w", err)
	}
	for _, key := range strings.Split(path, ".") {
		next, err := step(v, key)
		if err != nil {
			return "", fmt.Errorf("field %s: %w", path, err)
		}
		v = next
	}
	return scalar(v, path)
}

func step(v any, key string) (any, error) {
	switch x := v.(type) {
	case map[string]any:
		next, ok := x[key]
		if !ok {
			return nil, fmt.Errorf("no key %q", key)
		}
		return next, nil
	case []any:
		i, err := strconv.Atoi(key)
		if err != nil || i < 0 || i >= len(x) {
			return nil, fmt.Errorf("no index %q in a list of %d", key, len(x))
		}
		return x[i], nil
	}
	return nil, fmt.Errorf("cannot look up %q in a scalar", key)
}

func scalar(v any, path string) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case json.Number:
		return x.String(), nil
	case bool:
		return strconv.FormatBool(x), nil
	case nil:
		return "null", nil
	}
	return "", fmt.Errorf("field %s is not a scalar", path)
}
