// Reference for Ballast's YAML decoder: decodes documents the way Butane does (gopkg.in/yaml.v3's Decoder into Go
// structs, coreos/vcontext's source tree for positions, an unused-key check as Ignition words it) into types built at
// run time from a JSON description of Ballast's type model, and prints what happened as JSON.
//
// stdin: [{"type": <type>, "doc": "...", "paths": [[...], ...], "mode": "decode" | "unmarshal"}, ...]
// ("raw" instead of "doc" gives the document as base64, for bytes that are not UTF-8)
// <type>: {"kind": "string" | "int" | "bool"} | {"kind": "pointer" | "slice", "elem": <type>}
//
//	| {"kind": "struct", "name": "v0_5.File", "fields": [{"key": "path", "type": <type>}, ...]}
//
// stdout: [{"error": "..." | null, "value": <every field, nil as null>, "reports": [...], "positions": [...]}, ...]
package main

import (
	"bytes"
	"encoding/base64"
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
	vyaml "github.com/coreos/vcontext/yaml"
	"gopkg.in/yaml.v3"
)

type typeDesc struct {
	Kind   string      `json:"kind"`
	Name   string      `json:"name"`
	Elem   *typeDesc   `json:"elem"`
	Fields []fieldDesc `json:"fields"`
}

type fieldDesc struct {
	Key  string   `json:"key"`
	Type typeDesc `json:"type"`
}

type request struct {
	Type  typeDesc        `json:"type"`
	Doc   string          `json:"doc"`
	Raw   string          `json:"raw"`
	Paths [][]interface{} `json:"paths"`
	Mode  string          `json:"mode"`
}

type entry struct {
	Kind    string        `json:"kind"`
	Message string        `json:"message"`
	Path    []interface{} `json:"path"`
	Line    int64         `json:"line"`
	Column  int64         `json:"column"`
}

type position struct {
	Line   int64 `json:"line"`
	Column int64 `json:"column"`
}

type response struct {
	Error     *string         `json:"error"`
	Value     json.RawMessage `json:"value"`
	Reports   []entry         `json:"reports"`
	Positions []*position     `json:"positions"`
}

// names maps the string reflect gives a run-time struct type to the model's Go name, for error messages.
type builder struct {
	names map[string]string
}

func (b *builder) build(t typeDesc) reflect.Type {
	switch t.Kind {
	case "string":
		return reflect.TypeOf("")
	case "int":
		return reflect.TypeOf(0)
	case "bool":
		return reflect.TypeOf(false)
	case "pointer":
		return reflect.PtrTo(b.build(*t.Elem))
	case "slice":
		return reflect.SliceOf(b.build(*t.Elem))
	case "struct":
		fields := make([]reflect.StructField, 0, len(t.Fields))
		for i, f := range t.Fields {
			fields = append(fields, reflect.StructField{
				Name: fmt.Sprintf("F%d", i),
				Type: b.build(f.Type),
				Tag:  reflect.StructTag(fmt.Sprintf(`yaml:%q json:%q`, f.Key, f.Key)),
			})
		}
		st := reflect.StructOf(fields)
		b.names[st.String()] = t.Name
		return st
	}
	panic("unknown kind " + t.Kind)
}

// rename puts the model's names in place of run-time struct type strings, longest first (they nest).
func (b *builder) rename(s string) string {
	keys := make([]string, 0, len(b.names))
	for k := range b.names {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return len(keys[i]) > len(keys[j]) })
	for _, k := range keys {
		s = strings.ReplaceAll(s, k, b.names[k])
	}
	return s
}

// unusedKeys reports keys of a source mapping that are not fields of the struct decoded from it, in Ignition's words.
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

func run(req request) (resp response) {
	defer func() {
		if r := recover(); r != nil {
			msg := fmt.Sprintf("panic: %v", r)
			resp = response{Error: &msg}
		}
	}()
	if req.Raw != "" {
		raw, err := base64.StdEncoding.DecodeString(req.Raw)
		if err != nil {
			panic(err)
		}
		req.Doc = string(raw)
	}
	b := &builder{names: map[string]string{}}
	t := b.build(req.Type)
	ptr := reflect.New(t)
	var err error
	if req.Mode == "unmarshal" {
		err = yaml.Unmarshal([]byte(req.Doc), ptr.Interface())
	} else {
		err = yaml.NewDecoder(bytes.NewReader([]byte(req.Doc))).Decode(ptr.Interface())
	}
	if err != nil {
		msg := b.rename(err.Error())
		return response{Error: &msg}
	}
	value, err := json.Marshal(ptr.Interface())
	if err != nil {
		panic(err)
	}
	resp.Value = value
	resp.Reports = []entry{}
	root, err := vyaml.UnmarshalToContext([]byte(req.Doc))
	if err != nil || root == nil {
		return
	}
	r := validate.ValidateCustom(ptr.Interface(), "yaml", unusedKeys(root))
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
		resp.Reports = append(resp.Reports, entry{Kind: e.Kind.String(), Message: e.Message, Path: p, Line: line, Column: col})
	}
	for _, raw := range req.Paths {
		c := path.New("yaml")
		for _, part := range raw {
			if f, ok := part.(float64); ok {
				c = c.Append(int(f))
			} else {
				c = c.Append(part)
			}
		}
		line, col := deepest(root, c).Start()
		resp.Positions = append(resp.Positions, &position{Line: line, Column: col})
	}
	return
}

func main() {
	in, err := io.ReadAll(os.Stdin)
	if err != nil {
		panic(err)
	}
	var reqs []request
	if err := json.Unmarshal(in, &reqs); err != nil {
		panic(err)
	}
	out := make([]response, 0, len(reqs))
	for _, req := range reqs {
		out = append(out, run(req))
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		panic(err)
	}
}
