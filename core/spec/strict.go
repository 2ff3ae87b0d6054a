package spec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
)

var rawMessageType = reflect.TypeOf(json.RawMessage(nil))

// CheckUnknownFields reports the first key of a JSON object in data that
// no field of v's type takes, as "json: unknown field NAME", the error of
// json.Decoder.DisallowUnknownFields. spec's types decode over Aurora's
// defaults with their own UnmarshalJSON, which a decoder's
// DisallowUnknownFields does not reach, so a strict decoder (the API
// server's) checks the same data with this as well. Decoding itself stays
// lenient, so that an older client or executor can read a newer job.
func CheckUnknownFields(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var raw any
	if err := dec.Decode(&raw); err != nil {
		return err
	}
	return checkFields(raw, reflect.TypeOf(v))
}

func checkFields(raw any, t reflect.Type) error {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t == rawMessageType {
		return nil
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, ok := raw.(map[string]any)
		if !ok {
			return nil // a type mismatch is the decoder's to report
		}
		fields := jsonFields(t)
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			ft, ok := fields[k]
			if !ok {
				for name, typ := range fields {
					if strings.EqualFold(name, k) { // encoding/json matches names case-insensitively
						ft, ok = typ, true
						break
					}
				}
			}
			if !ok {
				return fmt.Errorf("json: unknown field %q", k)
			}
			if err := checkFields(obj[k], ft); err != nil {
				return err
			}
		}
	case reflect.Slice, reflect.Array:
		if list, ok := raw.([]any); ok {
			for _, elem := range list {
				if err := checkFields(elem, t.Elem()); err != nil {
					return err
				}
			}
		}
	case reflect.Map:
		if obj, ok := raw.(map[string]any); ok {
			for _, k := range sortedKeys(obj) {
				if err := checkFields(obj[k], t.Elem()); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// jsonFields returns the JSON names of t's fields and their types, with
// untagged embedded structs flattened, as encoding/json sees them.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				for n, typ := range jsonFields(ft) {
					if _, taken := out[n]; !taken {
						out[n] = typ
					}
				}
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
	return out
}
