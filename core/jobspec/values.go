package jobspec

import (
	"fmt"
	"math"
	"math/big"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/aurora-go/aurora/core/spec"
)

// decoder evaluates attributes into Go values, collecting diagnostics and
// recording where each field was written.
type decoder struct {
	ctx   *hcl.EvalContext
	diags hcl.Diagnostics
	src   *sourceMap
}

// body is one decoded block: its attributes and the field path they sit at.
type body struct {
	attrs  hcl.Attributes
	prefix string // "" for the job, "task.", "task.process[web]."...
}

// value evaluates the attribute name and converts it to ty. It reports
// false when the attribute is absent, null or invalid; an invalid one has
// been reported.
func (d *decoder) value(b body, name string, ty cty.Type) (cty.Value, bool) {
	attr, ok := b.attrs[name]
	if !ok {
		return cty.NilVal, false
	}
	d.src.set(b.prefix+name, attr.Expr.Range())
	val, diags := attr.Expr.Value(d.ctx)
	d.diags = append(d.diags, diags...)
	switch {
	case diags.HasErrors():
		return cty.NilVal, false
	case val.IsNull():
		return cty.NilVal, false
	case !val.IsWhollyKnown():
		d.fail(attr, "Invalid attribute value", "The value of %q is not known when the file is parsed.", name)
		return cty.NilVal, false
	}
	out, err := convert.Convert(val, ty)
	if err != nil {
		d.diags = append(d.diags, typeError(attr, err))
		return cty.NilVal, false
	}
	return out, true
}

// fail reports a problem with attr's value.
func (d *decoder) fail(attr *hcl.Attribute, summary, format string, args ...any) {
	diag := errorf(attr.Expr.Range(), summary, format, args...)
	diag.Context = attr.Range.Ptr()
	diag.Expression = attr.Expr
	diag.EvalContext = d.ctx
	d.diags = append(d.diags, diag)
}

// require reports each of names that b does not write as a missing
// argument of the block whose header is at def.
func (d *decoder) require(b body, def hcl.Range, blockType string, names ...string) {
	for _, name := range names {
		if _, ok := b.attrs[name]; !ok {
			d.diags = append(d.diags, errorf(def, "Missing required argument",
				"The argument %q is required in a %s block, but no definition was found.", name, blockType))
		}
	}
}

func (d *decoder) string(b body, name string, dst *string) {
	if v, ok := d.value(b, name, cty.String); ok {
		*dst = v.AsString()
	}
}

func (d *decoder) bool(b body, name string, dst *bool) {
	if v, ok := d.value(b, name, cty.Bool); ok {
		*dst = v.True()
	}
}

func (d *decoder) float(b body, name string, dst *float64) {
	v, ok := d.value(b, name, cty.Number)
	if !ok {
		return
	}
	f := v.AsBigFloat()
	if f.IsInf() {
		d.fail(b.attrs[name], "Invalid attribute value", "%q must be a finite number.", name)
		return
	}
	*dst, _ = f.Float64()
}

func (d *decoder) int(b body, name string, dst *int) {
	v, ok := d.value(b, name, cty.Number)
	if !ok {
		return
	}
	n, err := wholeNumber(v.AsBigFloat(), math.MinInt, math.MaxInt)
	if err != nil {
		d.fail(b.attrs[name], "Invalid attribute value", "%q %s.", name, err)
		return
	}
	*dst = int(n)
}

// recordKeys records where each key's value of a map written as an object
// constructor ({ host = "limit:1" }) is, as the path NAME.KEY, so that a
// problem with one entry points at it.
func (d *decoder) recordKeys(b body, name string) {
	obj, ok := b.attrs[name].Expr.(*hclsyntax.ObjectConsExpr)
	if !ok {
		return
	}
	for _, item := range obj.Items {
		key, diags := item.KeyExpr.Value(d.ctx)
		if diags.HasErrors() || key.IsNull() || !key.IsKnown() || key.Type() != cty.String {
			continue
		}
		d.src.set(b.prefix+name+"."+key.AsString(), item.ValueExpr.Range())
	}
}

// intList reads a list of whole numbers.
func (d *decoder) intList(b body, name string, dst *[]int) {
	v, ok := d.value(b, name, cty.List(cty.Number))
	if !ok {
		return
	}
	out := make([]int, 0, v.LengthInt())
	for i, elem := range v.AsValueSlice() {
		if elem.IsNull() {
			d.fail(b.attrs[name], "Invalid attribute value", "%q: element %d must not be null.", name, i)
			return
		}
		n, err := wholeNumber(elem.AsBigFloat(), math.MinInt, math.MaxInt)
		if err != nil {
			d.fail(b.attrs[name], "Invalid attribute value", "%q: element %d %s.", name, i, err)
			return
		}
		out = append(out, int(n))
	}
	*dst = out
}

func (d *decoder) stringMap(b body, name string, dst *map[string]string) {
	v, ok := d.value(b, name, cty.Map(cty.String))
	if !ok {
		return
	}
	d.recordKeys(b, name)
	out := make(map[string]string, v.LengthInt())
	for key, elem := range v.AsValueMap() {
		if elem.IsNull() {
			d.fail(b.attrs[name], "Invalid attribute value", "%q: the value of %q must not be null.", name, key)
			return
		}
		out[key] = elem.AsString()
	}
	*dst = out
}

func (d *decoder) stringList(b body, name string, dst *[]string) {
	v, ok := d.value(b, name, cty.List(cty.String))
	if !ok {
		return
	}
	out := make([]string, 0, v.LengthInt())
	for i, elem := range v.AsValueSlice() {
		if elem.IsNull() {
			d.fail(b.attrs[name], "Invalid attribute value", "%q: element %d must not be null.", name, i)
			return
		}
		out = append(out, elem.AsString())
	}
	*dst = out
}

// duration reads a Go duration string such as "30s" or "1m30s".
func (d *decoder) duration(b body, name string, dst *spec.Duration) {
	v, ok := d.value(b, name, cty.String)
	if !ok {
		return
	}
	s := v.AsString()
	dur, err := time.ParseDuration(s)
	switch {
	case err != nil:
		d.fail(b.attrs[name], "Invalid duration",
			"%q is not a duration: use a number with a unit, such as \"30s\", \"5m\" or \"1h30m\".", s)
	case dur < 0:
		d.fail(b.attrs[name], "Invalid duration", "%q must not be negative.", s)
	default:
		*dst = spec.Duration(dur)
	}
}

// size reads a size in bytes: a string with a unit ("128MB") or a plain
// whole number of bytes.
func (d *decoder) size(b body, name string, dst *int64) {
	v, ok := d.value(b, name, cty.DynamicPseudoType)
	if !ok {
		return
	}
	var (
		n   int64
		err error
	)
	switch v.Type() {
	case cty.Number:
		n, err = wholeNumber(v.AsBigFloat(), 0, math.MaxInt64)
		if err != nil {
			err = fmt.Errorf("as a number of bytes, %q %w", name, err)
		}
	case cty.String:
		n, err = parseSize(v.AsString())
	default:
		err = fmt.Errorf("a size such as \"128MB\" or a number of bytes is required, not %s", v.Type().FriendlyName())
	}
	if err != nil {
		d.fail(b.attrs[name], "Invalid size", "%s.", err)
		return
	}
	*dst = n
}

// wholeNumber returns f as an integer in [lo, hi].
func wholeNumber(f *big.Float, lo, hi int64) (int64, error) {
	if !f.IsInt() {
		return 0, fmt.Errorf("must be a whole number, not %s", f.Text('g', -1))
	}
	n, acc := f.Int64()
	if acc != big.Exact || n < lo || n > hi {
		return 0, fmt.Errorf("must be between %d and %d, not %s", lo, hi, f.Text('g', -1))
	}
	return n, nil
}

// typeError reports a value of the wrong type, as HCL's own decoders do.
func typeError(attr *hcl.Attribute, err error) *hcl.Diagnostic {
	diag := errorf(attr.Expr.Range(), "Incorrect attribute value type",
		"Inappropriate value for attribute %q: %s.", attr.Name, describeConvertError(err))
	diag.Context = attr.Range.Ptr()
	diag.Expression = attr.Expr
	return diag
}

// describeConvertError renders a cty conversion error with the path of the
// element at fault, if any.
func describeConvertError(err error) string {
	pathErr, ok := err.(cty.PathError)
	if !ok || len(pathErr.Path) == 0 {
		return err.Error()
	}
	var parts []string
	for _, step := range pathErr.Path {
		switch s := step.(type) {
		case cty.GetAttrStep:
			parts = append(parts, fmt.Sprintf("attribute %q", s.Name))
		case cty.IndexStep:
			switch s.Key.Type() {
			case cty.String:
				parts = append(parts, fmt.Sprintf("element %q", s.Key.AsString()))
			case cty.Number:
				parts = append(parts, "element "+s.Key.AsBigFloat().Text('f', -1))
			}
		}
	}
	return strings.Join(parts, ", ") + ": " + err.Error()
}
