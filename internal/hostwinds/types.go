package hostwinds

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Number decodes a JSON number, a numeric string ("2048", "9.99") or null, because the API
// sends sizes and prices as strings in some responses and as numbers in others.
type Number struct {
	Value float64
	Valid bool
	// Text keeps the value as the API wrote it, so prices are shown without float rounding.
	Text string
}

// UnmarshalJSON implements json.Unmarshaler.
func (n *Number) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if bytes.Equal(data, []byte("null")) {
		*n = Number{}
		return nil
	}
	text := string(data)
	if data[0] == '"' {
		if err := json.Unmarshal(data, &text); err != nil {
			return err
		}
		text = strings.TrimSpace(text)
		if text == "" {
			*n = Number{}
			return nil
		}
	}
	value, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return fmt.Errorf("%q is not a number", text)
	}
	*n = Number{Value: value, Valid: true, Text: text}
	return nil
}

// MarshalJSON implements json.Marshaler.
func (n Number) MarshalJSON() ([]byte, error) {
	if !n.Valid {
		return []byte("null"), nil
	}
	return []byte(strconv.FormatFloat(n.Value, 'f', -1, 64)), nil
}

// Int returns the value as an integer.
func (n Number) Int() int64 { return int64(n.Value) }

// Bool decodes true/false, 0/1 and their string forms.
type Bool struct {
	Value bool
	Valid bool
}

// UnmarshalJSON implements json.Unmarshaler.
func (b *Bool) UnmarshalJSON(data []byte) error {
	text := strings.Trim(strings.TrimSpace(string(data)), `"`)
	switch strings.ToLower(text) {
	case "null", "":
		*b = Bool{}
	case "true", "1", "yes", "on":
		*b = Bool{Value: true, Valid: true}
	case "false", "0", "no", "off":
		*b = Bool{Value: false, Valid: true}
	default:
		return fmt.Errorf("%q is not a boolean", text)
	}
	return nil
}

// StringList decodes an array of strings, a single string or null.
type StringList []string

// UnmarshalJSON implements json.Unmarshaler.
func (l *StringList) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	switch {
	case bytes.Equal(data, []byte("null")):
		*l = nil
	case data[0] == '"':
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return err
		}
		if s == "" {
			*l = nil
		} else {
			*l = StringList{s}
		}
	default:
		var items []any
		if err := json.Unmarshal(data, &items); err != nil {
			return err
		}
		out := make(StringList, 0, len(items))
		for _, item := range items {
			switch v := item.(type) {
			case nil:
				// A null element names nothing, and fmt.Sprint would turn it into "<nil>".
				continue
			case string:
				out = append(out, v)
			case map[string]any:
				// Key objects may carry the name beside other fields.
				if name, ok := v["name"].(string); ok {
					out = append(out, name)
				}
			default:
				out = append(out, fmt.Sprint(v))
			}
		}
		*l = out
	}
	return nil
}
