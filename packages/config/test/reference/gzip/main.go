// Reference harness for packages/config/src/dataurl: runs the real Go code (compress/gzip at BestCompression,
// as Butane calls it, and vincent-petithory/dataurl) so tests can compare our output byte for byte.
//
// Usage: main MODE [ARGS] < input
//
//	gzip         stdin → gzip (one Write of the whole input, then Close, as Butane does)
//	gzip-batch   stdin holds frames [uint32 BE length][bytes]; stdout gets one frame per input with its gzip
//	escape       stdin → dataurl.Escape
//	decode       stdin is a data URL → JSON {"error"} or {"type","subtype","params","encoding","data"(base64)}
//	decode-batch stdin holds frames of data URLs; stdout is one JSON line per frame
//	gunzip       stdin → gunzipped bytes, or exit 1 with the error
//	make-batch COMPRESSION ALLOW
//	             stdin holds frames of file contents; stdout is one JSON line {"url","compression"} per frame with
//	             the data URL Butane's rule picks (COMPRESSION "-" = unset; ALLOW "1" = auto-compression on). The
//	             rule is restated here from Butane's base/util MakeDataURL on top of the real Escape, base64,
//	             gzip and net/url, so the test checks the lengths and tie-breaks against the real encoders.
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"

	"github.com/vincent-petithory/dataurl"
)

func gz(data []byte) []byte {
	var buf bytes.Buffer
	w, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		panic(err)
	}
	if _, err := w.Write(data); err != nil {
		panic(err)
	}
	if err := w.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

func readFrames(r io.Reader) [][]byte {
	var frames [][]byte
	br := bufio.NewReader(r)
	for {
		var n uint32
		if err := binary.Read(br, binary.BigEndian, &n); err != nil {
			if err == io.EOF {
				return frames
			}
			panic(err)
		}
		b := make([]byte, n)
		if _, err := io.ReadFull(br, b); err != nil {
			panic(err)
		}
		frames = append(frames, b)
	}
}

type decoded struct {
	Error    *string           `json:"error,omitempty"`
	Type     string            `json:"type"`
	Subtype  string            `json:"subtype"`
	Params   map[string]string `json:"params"`
	Encoding string            `json:"encoding"`
	Data     string            `json:"data"`
}

func decode(s string) []byte {
	var out decoded
	du, err := dataurl.DecodeString(s)
	if err != nil {
		msg := err.Error()
		out.Error = &msg
	} else {
		out.Type, out.Subtype, out.Params = du.Type, du.Subtype, du.Params
		out.Encoding = du.Encoding
		out.Data = base64.StdEncoding.EncodeToString(du.Data)
	}
	b, err := json.Marshal(out)
	if err != nil {
		panic(err)
	}
	return b
}

// makeURL picks among URL-escaped, base64 and gzip+base64 as Butane does: shortest wins, earlier wins ties,
// and gzip must also pay for the 4 characters of "gzip" in the compression field.
func makeURL(contents []byte, compression *string, allow bool) (string, string) {
	result := ""
	userSet := compression != nil && *compression != ""
	if userSet {
		result = *compression
	}
	opaque := "," + dataurl.Escape(contents)
	if b64 := ";base64," + base64.StdEncoding.EncodeToString(contents); len(b64) < len(opaque) {
		opaque = b64
	}
	if !userSet && allow {
		if gzipped := ";base64," + base64.StdEncoding.EncodeToString(gz(contents)); len(gzipped)+len("gzip") < len(opaque) {
			opaque = gzipped
			result = "gzip"
		}
	}
	return (&url.URL{Scheme: "data", Opaque: opaque}).String(), result
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: main gzip|gzip-batch|escape|decode|decode-batch|gunzip")
		os.Exit(2)
	}
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	switch os.Args[1] {
	case "gzip":
		in, _ := io.ReadAll(os.Stdin)
		out.Write(gz(in))
	case "gzip-batch":
		for _, frame := range readFrames(os.Stdin) {
			g := gz(frame)
			binary.Write(out, binary.BigEndian, uint32(len(g)))
			out.Write(g)
		}
	case "escape":
		in, _ := io.ReadAll(os.Stdin)
		out.WriteString(dataurl.Escape(in))
	case "decode":
		in, _ := io.ReadAll(os.Stdin)
		out.Write(decode(string(in)))
	case "decode-batch":
		for _, frame := range readFrames(os.Stdin) {
			out.Write(decode(string(frame)))
			out.WriteByte('\n')
		}
	case "gunzip":
		in, _ := io.ReadAll(os.Stdin)
		r, err := gzip.NewReader(bytes.NewReader(in))
		if err == nil {
			var b []byte
			b, err = io.ReadAll(r)
			out.Write(b)
		}
		if err != nil {
			out.Flush()
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	case "make-batch":
		var compression *string
		if os.Args[2] != "-" {
			compression = &os.Args[2]
		}
		for _, frame := range readFrames(os.Stdin) {
			u, c := makeURL(frame, compression, os.Args[3] == "1")
			b, _ := json.Marshal(map[string]string{"url": u, "compression": c})
			out.Write(b)
			out.WriteByte('\n')
		}
	default:
		fmt.Fprintln(os.Stderr, "unknown mode", os.Args[1])
		os.Exit(2)
	}
}
