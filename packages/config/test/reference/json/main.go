// Reference for Ballast's JSON codecs: decodes documents the way Ignition does (encoding/json's Unmarshal into Go
// structs, coreos/vcontext's JSON tree for positions, an unused-key check as Ignition words it) and encodes values
// with encoding/json's Marshal and MarshalIndent(v, "", "  "), into types built at run time from a JSON description
// of Ballast's type model. Prints what happened as JSON.
//
// stdin: [{"mode": "decode", "type": <type>, "doc": "...", "paths": [[...]]}
//
//	| {"mode": "encode", "type": <type>, "value": <value, strings as base64>, "pretty": bool}, ...]
//
// <type>: {"kind": "string" | "int" | "bool"} | {"kind": "pointer" | "slice", "elem": <type>}
//
//	| {"kind": "struct", "name": "types.File", "fields": [{"key": "path", "type": <type>, "omitempty": bool}]}
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"sort"
	"strings"

	vjson "github.com/coreos/vcontext/json"
	"github.com/coreos/vcontext/path"
	"github.com/coreos/vcontext/report"
	"github.com/coreos/vcontext/tree"
	"github.com/coreos/vcontext/validate"
)

type typeDesc struct {
	Kind   string      `json:"kind"`
	Name   string      `json:"name"`
	Elem   *typeDesc   `json:"elem"`
	Fields []fieldDesc `json:"fields"`
}

type fieldDesc struct {
	Key       string   `json:"key"`
	Type      typeDesc `json:"type"`
	Omitempty bool     `json:"omitempty"`
}

type request struct {
	Mode   string          `json:"mode"`
	Type   typeDesc        `json:"type"`
	Doc    string          `json:"doc"`
	Paths  [][]interface{} `json:"paths"`
	Value  json.RawMessage `json:"value"`
	Pretty bool            `json:"pretty"`
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
	Offset    int64           `json:"offset"`
	Value     json.RawMessage `json:"value"`
	Reports   []entry         `json:"reports"`
	Positions []*position     `json:"positions"`
	Output    string          `json:"output"`
}

type builder struct {
	names     map[string]string
	omitempty bool
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
			tag := f.Key
			if b.omitempty && f.Omitempty {
				tag += ",omitempty"
			}
			fields = append(fields, reflect.StructField{
				Name: fmt.Sprintf("F%d", i),
				Type: b.build(f.Type),
				Tag:  reflect.StructTag(fmt.Sprintf(`json:%q`, tag)),
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
		name := b.names[k]
		// encoding/json names the containing struct by Name(), which is empty for run-time types.
		s = strings.ReplaceAll(s, "Go struct field ."+k, "Go struct field "+name)
		s = strings.ReplaceAll(s, k, name)
	}
	return s
}

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
		for k := range m.Keys {
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

func decode(req request) (resp response) {
	b := &builder{names: map[string]string{}}
	t := b.build(req.Type)
	ptr := reflect.New(t)
	if err := json.Unmarshal([]byte(req.Doc), ptr.Interface()); err != nil {
		msg := b.rename(err.Error())
		resp.Error = &msg
		var serr *json.SyntaxError
		var terr *json.UnmarshalTypeError
		if errors.As(err, &serr) {
			resp.Offset = serr.Offset
		} else if errors.As(err, &terr) {
			resp.Offset = terr.Offset
		}
		return
	}
	value, err := json.Marshal(ptr.Interface())
	if err != nil {
		panic(err)
	}
	resp.Value = value
	resp.Reports = []entry{}
	root, err := vjson.UnmarshalToContext([]byte(req.Doc))
	if err != nil {
		// Ignition's ValidateWithContext then skips the unused-key check and has no positions.
		for range req.Paths {
			resp.Positions = append(resp.Positions, &position{})
		}
		return
	}
	r := validate.ValidateCustom(ptr.Interface(), "json", unusedKeys(root))
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
		c := path.New("json")
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

// set fills v from a JSON value in which strings are base64 (so any bytes can be sent).
func set(v reflect.Value, j interface{}) {
	switch v.Kind() {
	case reflect.String:
		s, err := base64.StdEncoding.DecodeString(j.(string))
		if err != nil {
			panic(err)
		}
		v.SetString(string(s))
	case reflect.Int:
		n, err := j.(json.Number).Int64()
		if err != nil {
			panic(err)
		}
		v.SetInt(n)
	case reflect.Bool:
		v.SetBool(j.(bool))
	case reflect.Ptr:
		if j != nil {
			v.Set(reflect.New(v.Type().Elem()))
			set(v.Elem(), j)
		}
	case reflect.Slice:
		if j != nil {
			items := j.([]interface{})
			v.Set(reflect.MakeSlice(v.Type(), len(items), len(items)))
			for i, item := range items {
				set(v.Index(i), item)
			}
		}
	case reflect.Struct:
		m := j.(map[string]interface{})
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			key := strings.Split(t.Field(i).Tag.Get("json"), ",")[0]
			if x, ok := m[key]; ok {
				set(v.Field(i), x)
			}
		}
	}
}

func encode(req request) (resp response) {
	b := &builder{names: map[string]string{}, omitempty: true}
	t := b.build(req.Type)
	v := reflect.New(t).Elem()
	dec := json.NewDecoder(bytes.NewReader(req.Value))
	dec.UseNumber()
	var j interface{}
	if err := dec.Decode(&j); err != nil {
		panic(err)
	}
	set(v, j)
	var out []byte
	var err error
	if req.Pretty {
		out, err = json.MarshalIndent(v.Interface(), "", "  ")
	} else {
		out, err = json.Marshal(v.Interface())
	}
	if err != nil {
		msg := err.Error()
		resp.Error = &msg
		return
	}
	resp.Output = base64.StdEncoding.EncodeToString(out)
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
		if req.Mode == "encode" {
			out = append(out, encode(req))
		} else {
			out = append(out, decode(req))
		}
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		panic(err)
	}
}
