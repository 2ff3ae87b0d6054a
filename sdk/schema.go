package sdk

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// schemaURL names a plugin's config schema in validation messages.
const schemaURL = "aurora-plugin-config.json"

// CompiledSchema is a JSON Schema ready to validate configurations. It is
// safe for concurrent use.
type CompiledSchema struct {
	schema *jsonschema.Schema // nil: the plugin has no schema; anything goes
}

// CompileSchema compiles a JSON Schema document (draft 2020-12 unless its
// $schema says otherwise). An empty document means "no schema": every
// configuration is accepted. References to other documents are refused, so
// compiling a plugin's schema never reads a file or the network.
func CompileSchema(doc json.RawMessage) (*CompiledSchema, error) {
	if len(bytes.TrimSpace(doc)) == 0 {
		return &CompiledSchema{}, nil
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return nil, fmt.Errorf("config schema is not JSON: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.UseLoader(jsonschema.SchemeURLLoader{}) // no file or network references
	if err := c.AddResource(schemaURL, v); err != nil {
		return nil, fmt.Errorf("config schema: %w", err)
	}
	s, err := c.Compile(schemaURL)
	if err != nil {
		return nil, fmt.Errorf("config schema is not a valid JSON Schema: %w", err)
	}
	return &CompiledSchema{schema: s}, nil
}

// Validate checks a configuration against the schema. An empty or null
// configuration is validated as the empty object {}. The error wraps
// ErrInvalidArgument and lists each violation with its JSON pointer.
func (s *CompiledSchema) Validate(config json.RawMessage) error {
	doc := normalizeConfig(config)
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return fmt.Errorf("%w: configuration is not valid JSON: %w", ErrInvalidArgument, err)
	}
	if s == nil || s.schema == nil {
		return nil
	}
	err = s.schema.Validate(v)
	if err == nil {
		return nil
	}
	var verr *jsonschema.ValidationError
	if !errors.As(err, &verr) {
		return fmt.Errorf("%w: configuration: %w", ErrInvalidArgument, err)
	}
	return fmt.Errorf("%w: configuration does not match the plugin's schema: %s", ErrInvalidArgument, describeViolations(verr))
}

// normalizeConfig maps an empty or null configuration to {}.
func normalizeConfig(config json.RawMessage) []byte {
	trimmed := bytes.TrimSpace(config)
	if len(trimmed) == 0 || bytes.Equal(trimmed, []byte("null")) {
		return []byte("{}")
	}
	return trimmed
}

// describeViolations flattens a validation error into "at /path: message"
// items.
func describeViolations(verr *jsonschema.ValidationError) string {
	var items []string
	var walk func(u jsonschema.OutputUnit)
	walk = func(u jsonschema.OutputUnit) {
		if u.Error != nil && len(u.Errors) == 0 {
			loc := u.InstanceLocation
			if loc == "" {
				loc = "/"
			}
			items = append(items, "at "+loc+": "+u.Error.String())
		}
		for _, c := range u.Errors {
			walk(c)
		}
	}
	walk(*verr.BasicOutput())
	if len(items) == 0 {
		return strings.TrimSpace(verr.Error())
	}
	return strings.Join(items, "; ")
}

// ValidateConfig compiles schema and validates config against it.
func ValidateConfig(schema *Schema, config json.RawMessage) error {
	var doc json.RawMessage
	if schema != nil {
		doc = schema.JSON
	}
	cs, err := CompileSchema(doc)
	if err != nil {
		return err
	}
	return cs.Validate(config)
}

// DecodeConfig decodes a configuration into v (a pointer to a tagged
// struct), refusing unknown fields. An empty or null configuration leaves v
// as it is, so set defaults before calling. Errors wrap ErrInvalidArgument.
func DecodeConfig(config json.RawMessage, v any) error {
	trimmed := bytes.TrimSpace(config)
	if len(trimmed) == 0 || bytes.Equal(trimmed, []byte("null")) {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%w: configuration: %w", ErrInvalidArgument, err)
	}
	if dec.More() {
		return fmt.Errorf("%w: configuration: trailing data after the JSON value", ErrInvalidArgument)
	}
	return nil
}

// schemaCache compiles a plugin's schema once per distinct document.
type schemaCache struct {
	mu       sync.Mutex
	doc      []byte
	compiled *CompiledSchema
	err      error
}

func (c *schemaCache) get(doc []byte) (*CompiledSchema, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.compiled != nil || c.err != nil {
		if bytes.Equal(c.doc, doc) {
			return c.compiled, c.err
		}
	}
	c.doc = bytes.Clone(doc)
	c.compiled, c.err = CompileSchema(doc)
	return c.compiled, c.err
}

// Violation is one way a configuration breaks its schema: where (a JSON
// pointer into the configuration, "" for the whole document) and why.
type Violation struct {
	Pointer string
	Message string
}

// Violations checks a configuration against the schema and returns each
// violation with its location, so a caller can name the offending field
// (an empty or null configuration is validated as {}). The error is for a
// configuration that is not JSON at all.
func (s *CompiledSchema) Violations(config json.RawMessage) ([]Violation, error) {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(normalizeConfig(config)))
	if err != nil {
		return nil, fmt.Errorf("%w: configuration is not valid JSON: %w", ErrInvalidArgument, err)
	}
	if s == nil || s.schema == nil {
		return nil, nil
	}
	err = s.schema.Validate(v)
	if err == nil {
		return nil, nil
	}
	var verr *jsonschema.ValidationError
	if !errors.As(err, &verr) {
		return []Violation{{Message: err.Error()}}, nil
	}
	var out []Violation
	var walk func(u jsonschema.OutputUnit)
	walk = func(u jsonschema.OutputUnit) {
		if u.Error != nil && len(u.Errors) == 0 {
			out = append(out, Violation{Pointer: u.InstanceLocation, Message: u.Error.String()})
		}
		for _, c := range u.Errors {
			walk(c)
		}
	}
	walk(*verr.BasicOutput())
	if len(out) == 0 {
		out = []Violation{{Message: strings.TrimSpace(verr.Error())}}
	}
	return out, nil
}
