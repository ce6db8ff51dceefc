// A reference for the lock tests: Go's encoding/json, time.ParseDuration, fmt.Sscanf, strings.Fields, url.QueryEscape
// and path.Join, which locksmith uses to store its semaphore, read its reboot window and name a group's key. Each line of standard input
// is one base64 case; each line of output is the base64 answer, or "ERR".
package main

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path"
	"strconv"
	"strings"
	"time"
)

// The field names and types of the JSON value locksmith keeps in etcd.
type semaphore struct {
	Semaphore int      `json:"semaphore"`
	Max       int      `json:"max"`
	Holders   []string `json:"holders"`
}

func answer(mode string, in []byte) (string, bool) {
	switch mode {
	case "marshal":
		// The input is a semaphore in JSON; Go reads it and writes it back as json.Marshal does.
		var s semaphore
		if err := json.Unmarshal(in, &s); err != nil {
			return "", false
		}
		out, _ := json.Marshal(s)
		return string(out), true
	case "unmarshal":
		s := &semaphore{}
		if err := json.Unmarshal(in, s); err != nil {
			return "", false
		}
		out, _ := json.Marshal(s)
		return string(out), true
	case "duration":
		d, err := time.ParseDuration(string(in))
		if err != nil {
			return "", false
		}
		return strconv.FormatInt(int64(d), 10), true
	case "groupkey":
		// How locksmith names a group's semaphore key.
		return path.Join("coreos.com/updateengine/rebootlock", "groups", url.QueryEscape(string(in)), "semaphore"), true
	case "timeofday":
		// How locksmith reads the time of day of its reboot window start.
		var hour, minute int
		if n, err := fmt.Sscanf(string(in), "%d:%d", &hour, &minute); n != 2 || err != nil {
			return "", false
		}
		return fmt.Sprintf("%d:%d", hour, minute), true
	case "fields":
		// How locksmith splits its reboot window start, and folds the day name.
		fields := strings.Fields(string(in))
		if len(fields) > 0 {
			fields[0] = strings.ToLower(fields[0])
		}
		return strings.Join(fields, "\x00"), true
	}
	return "", false
}

func main() {
	mode := os.Args[1]
	scanner := bufio.NewScanner(os.Stdin)
	scanner.Buffer(make([]byte, 1<<20), 1<<24)
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	for scanner.Scan() {
		in, err := base64.StdEncoding.DecodeString(scanner.Text())
		if err != nil {
			panic(err)
		}
		if out, ok := answer(mode, in); ok {
			fmt.Fprintln(w, base64.StdEncoding.EncodeToString([]byte(out)))
		} else {
			fmt.Fprintln(w, "ERR")
		}
	}
}
