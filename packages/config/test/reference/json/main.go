// Reference for Ballast's JSON codecs: decodes documents the way Ignition does (encoding/json's Unmarshal into Go
// structs, coreos/vcontext's JSON tree for positions, an unused-key check as Ignition words it) and encodes values
// with encoding/json's Marshal and MarshalIndent(v, "", "  "), into types built at run time from a JSON description
// of Ballast's type model. Prints what happened as JSON.
//
// stdin: [{"mode": "decode", "type": <type>, "doc": "...", "paths": [[...]]}
//
//	| {"mode": "encode", "type": <type>, "value": <value, strings as base64>, "pretty": bool}, ...]
//
// <type>: see ../gotypes.
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"../gotypes"
	vjson "github.com/coreos/vcontext/json"
)

type request struct {
	Mode   string           `json:"mode"`
	Type   gotypes.TypeDesc `json:"type"`
	Doc    string           `json:"doc"`
	Paths  [][]interface{}  `json:"paths"`
	Value  json.RawMessage  `json:"value"`
	Pretty bool             `json:"pretty"`
}

type response struct {
	Error     *string             `json:"error"`
	Offset    int64               `json:"offset"`
	Value     json.RawMessage     `json:"value"`
	Reports   []gotypes.Entry     `json:"reports"`
	Positions []*gotypes.Position `json:"positions"`
	Output    string              `json:"output"`
}

func decode(req request) (resp response) {
	b := gotypes.NewBuilder(func(f gotypes.FieldDesc) string { return fmt.Sprintf(`json:%q`, f.Key) })
	t := b.Build(req.Type)
	ptr := reflect.New(t)
	if err := json.Unmarshal([]byte(req.Doc), ptr.Interface()); err != nil {
		msg := b.Rename(err.Error())
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
	root, err := vjson.UnmarshalToContext([]byte(req.Doc))
	if err != nil {
		// Ignition's ValidateWithContext then skips the unused-key check and has no positions.
		resp.Reports = []gotypes.Entry{}
		for range req.Paths {
			resp.Positions = append(resp.Positions, &gotypes.Position{})
		}
		return
	}
	resp.Reports, resp.Positions = gotypes.Check(ptr.Interface(), root, "json", req.Paths)
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
	b := gotypes.NewBuilder(func(f gotypes.FieldDesc) string {
		if f.Omitempty {
			return fmt.Sprintf(`json:%q`, f.Key+",omitempty")
		}
		return fmt.Sprintf(`json:%q`, f.Key)
	})
	t := b.Build(req.Type)
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
	gotypes.Serve(func(req request) response {
		if req.Mode == "encode" {
			return encode(req)
		}
		return decode(req)
	})
}
