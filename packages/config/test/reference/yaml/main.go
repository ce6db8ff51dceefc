// Reference for Ballast's YAML decoder: decodes documents the way Butane does (gopkg.in/yaml.v3's Decoder into Go
// structs, coreos/vcontext's source tree for positions, an unused-key check as Ignition words it) into types built at
// run time from a JSON description of Ballast's type model, and prints what happened as JSON.
//
// stdin: [{"type": <type>, "doc": "...", "paths": [[...], ...], "mode": "decode" | "unmarshal"}, ...]
// ("raw" instead of "doc" gives the document as base64, for bytes that are not UTF-8)
// <type>: see ../gotypes.
//
// stdout: [{"error": "..." | null, "value": <every field, nil as null>, "reports": [...], "positions": [...]}, ...]
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"reflect"

	"../gotypes"
	vyaml "github.com/coreos/vcontext/yaml"
	"gopkg.in/yaml.v3"
)

type request struct {
	Type  gotypes.TypeDesc `json:"type"`
	Doc   string           `json:"doc"`
	Raw   string           `json:"raw"`
	Paths [][]interface{}  `json:"paths"`
	Mode  string           `json:"mode"`
}

type response struct {
	Error     *string             `json:"error"`
	Value     json.RawMessage     `json:"value"`
	Reports   []gotypes.Entry     `json:"reports"`
	Positions []*gotypes.Position `json:"positions"`
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
	b := gotypes.NewBuilder(func(f gotypes.FieldDesc) string { return fmt.Sprintf(`yaml:%q json:%q`, f.Key, f.Key) })
	t := b.Build(req.Type)
	ptr := reflect.New(t)
	var err error
	if req.Mode == "unmarshal" {
		err = yaml.Unmarshal([]byte(req.Doc), ptr.Interface())
	} else {
		err = yaml.NewDecoder(bytes.NewReader([]byte(req.Doc))).Decode(ptr.Interface())
	}
	if err != nil {
		msg := b.Rename(err.Error())
		return response{Error: &msg}
	}
	value, err := json.Marshal(ptr.Interface())
	if err != nil {
		panic(err)
	}
	resp.Value = value
	resp.Reports = []gotypes.Entry{}
	root, err := vyaml.UnmarshalToContext([]byte(req.Doc))
	if err != nil || root == nil {
		return
	}
	resp.Reports, resp.Positions = gotypes.Check(ptr.Interface(), root, "yaml", req.Paths)
	return
}

func main() {
	gotypes.Serve(run)
}
