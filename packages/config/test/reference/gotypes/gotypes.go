// Package gotypes is what the JSON and YAML reference harnesses share: Go types built at run time from the JSON
// description of Ballast's type model, Ignition's unused-key check over a value decoded into them, with vcontext's
// positions, and the stdin-to-stdout loop. The harnesses import it as "../gotypes" (GOPATH mode allows a relative
// import outside GOPATH); test/reference/go-harness.ts builds them.
//
// <type>: {"kind": "string" | "int" | "bool"} | {"kind": "pointer" | "slice", "elem": <type>}
//
//	| {"kind": "struct", "name": "v0_5.File", "fields": [{"key": "path", "type": <type>, "omitempty": bool}, ...]}
package gotypes

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"reflect"
	"sort"
	"strings"

	"github.com/coreos/vcontext/path"
	"github.com/coreos/vcontext/report"
	"github.com/coreos/vcontext/tree"
	"github.com/coreos/vcontext/validate"
)

// TypeDesc is a type of Ballast's model, as the harnesses receive it.
type TypeDesc struct {
	Kind   string      `json:"kind"`
	Name   string      `json:"name"`
	Elem   *TypeDesc   `json:"elem"`
	Fields []FieldDesc `json:"fields"`
}

// FieldDesc is one field of a struct TypeDesc.
type FieldDesc struct {
	Key       string   `json:"key"`
	Type      TypeDesc `json:"type"`
	Omitempty bool     `json:"omitempty"`
}

// Entry is one report of the validation, with its path and position.
type Entry struct {
	Kind    string        `json:"kind"`
	Message string        `json:"message"`
	Path    []interface{} `json:"path"`
	Line    int64         `json:"line"`
	Column  int64         `json:"column"`
}

// Position is a line and column as vcontext gives them.
type Position struct {
	Line   int64 `json:"line"`
	Column int64 `json:"column"`
}

// Builder makes run-time types and remembers the model's name of each struct, for error messages.
type Builder struct {
	// names maps the string reflect gives a run-time struct type to the model's Go name.
	names map[string]string
	tag   func(f FieldDesc) string
}

// NewBuilder gives a Builder whose struct fields get the tag that tag makes of them.
func NewBuilder(tag func(f FieldDesc) string) *Builder {
	return &Builder{names: map[string]string{}, tag: tag}
}

// Build makes the Go type of t.
func (b *Builder) Build(t TypeDesc) reflect.Type {
	switch t.Kind {
	case "string":
		return reflect.TypeOf("")
	case "int":
		return reflect.TypeOf(0)
	case "bool":
		return reflect.TypeOf(false)
	case "pointer":
		return reflect.PtrTo(b.Build(*t.Elem))
	case "slice":
		return reflect.SliceOf(b.Build(*t.Elem))
	case "struct":
		fields := make([]reflect.StructField, 0, len(t.Fields))
		for i, f := range t.Fields {
			fields = append(fields, reflect.StructField{
				Name: fmt.Sprintf("F%d", i),
				Type: b.Build(f.Type),
				Tag:  reflect.StructTag(b.tag(f)),
			})
		}
		st := reflect.StructOf(fields)
		b.names[st.String()] = t.Name
		return st
	}
	panic("unknown kind " + t.Kind)
}

// Rename puts the model's names in place of run-time struct type strings, longest first (they nest).
func (b *Builder) Rename(s string) string {
	keys := make([]string, 0, len(b.names))
	for k := range b.names {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return len(keys[i]) > len(keys[j]) })
	for _, k := range keys {
		name := b.names[k]
		// encoding/json names the containing struct by Name(), which is empty for run-time types.
		s = strings.ReplaceAll(s, "Go struct field ."+k, "Go struct field "+name)
		s = strings.ReplaceAll(s, k, name)
	}
	return s
}

// Check validates v, decoded from the source whose vcontext tree is root, with Ignition's unused-key check; it gives
// the reports and the position of each of paths (steps of the source's `tag`: "json" or "yaml").
func Check(v interface{}, root tree.Node, tag string, paths [][]interface{}) ([]Entry, []*Position) {
	reports := []Entry{}
	r := validate.ValidateCustom(v, tag, unusedKeys(root))
	r.Correlate(root)
	for _, e := range r.Entries {
		p := []interface{}{}
		for _, part := range e.Context.Path {
			if k, ok := part.(tree.Key); ok {
				p = append(p, string(k))
			} else {
				p = append(p, part)
			}
		}
		line, col := e.Marker.Start()
		reports = append(reports, Entry{Kind: e.Kind.String(), Message: e.Message, Path: p, Line: line, Column: col})
	}
	var positions []*Position
	for _, raw := range paths {
		c := path.New(tag)
		for _, part := range raw {
			if f, ok := part.(float64); ok {
				c = c.Append(int(f))
			} else {
				c = c.Append(part)
			}
		}
		line, col := deepest(root, c).Start()
		positions = append(positions, &Position{Line: line, Column: col})
	}
	return reports, positions
}

// unusedKeys reports keys of a source mapping that are not fields of the struct decoded from it, in Ignition's
// words, sorted (Go's map order is random).
func unusedKeys(root tree.Node) validate.CustomValidator {
	return func(v reflect.Value, c path.ContextPath) (r report.Report) {
		if v.Kind() != reflect.Struct {
			return
		}
		node, err := root.Get(c)
		if err != nil {
			return
		}
		m, ok := node.(tree.MapNode)
		if !ok {
			r.AddOnWarn(c, fmt.Errorf("context tree does not match content tree at %s. Line and column reporting may be inconsistent. Unused keys may not be reported.", c.String()))
			return
		}
		known := map[string]bool{}
		for _, f := range validate.GetFields(v) {
			known[validate.FieldName(f, c.Tag)] = true
		}
		keys := make([]string, 0, len(m.Keys))
		for k := range m.Keys {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if !known[k] {
				r.AddOnWarn(c.Append(tree.Key(k)), fmt.Errorf("Unused key %s", k))
			}
		}
		return
	}
}

func deepest(n tree.Node, c path.ContextPath) tree.Node {
	if child, err := n.Get(c); err == nil {
		return child
	}
	return deepest(n, c.Pop())
}

// Serve reads a JSON array of requests from stdin, runs each, and writes the JSON array of responses to stdout.
func Serve[Req any, Resp any](run func(Req) Resp) {
	in, err := io.ReadAll(os.Stdin)
	if err != nil {
		panic(err)
	}
	var reqs []Req
	if err := json.Unmarshal(in, &reqs); err != nil {
		panic(err)
	}
	out := make([]Resp, 0, len(reqs))
	for _, req := range reqs {
		out = append(out, run(req))
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		panic(err)
	}
}
