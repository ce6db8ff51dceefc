// Encodes an Omaha response the way Nebraska does: go-omaha's element and attribute layout (declared here again,
// field order and struct tags as in flatcar/go-omaha omaha/protocol.go and package.go), Go's encoding/xml without
// indentation, after the XML declaration and a newline that Echo's XMLBlob writes. Reads responses as a stream of
// JSON values in @ballast/omaha's model shape on stdin and prints each one's XML on stdout, followed by a NUL byte.
package main

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"os"
)

type response struct {
	XMLName  xml.Name       `xml:"response"`
	DayStart dayStart       `xml:"daystart"`
	Apps     []*appResponse `xml:"app"`
	Protocol string         `xml:"protocol,attr"`
	Server   string         `xml:"server,attr"`
}

type dayStart struct {
	ElapsedSeconds string `xml:"elapsed_seconds,attr"`
}

type appResponse struct {
	Ping        *statusOnly     `xml:"ping"`
	UpdateCheck *updateResponse `xml:"updatecheck"`
	Events      []*statusOnly   `xml:"event"`
	ID          string          `xml:"appid,attr,omitempty"`
	Status      string          `xml:"status,attr,omitempty"`
}

type statusOnly struct {
	Status string `xml:"status,attr"`
}

type updateResponse struct {
	URLs      []*url      `xml:"urls>url"`
	Manifests []*manifest `xml:"manifest"`
	Status    string      `xml:"status,attr,omitempty"`
}

type url struct {
	CodeBase string `xml:"codebase,attr"`
}

type manifest struct {
	Packages    []*pkg    `xml:"packages>package"`
	Actions     []*action `xml:"actions>action"`
	Version     string    `xml:"version,attr"`
	IsFloor     bool      `xml:"is_floor,attr,omitempty"`
	FloorReason string    `xml:"floor_reason,attr,omitempty"`
	IsTarget    bool      `xml:"is_target,attr,omitempty"`
}

type pkg struct {
	Name     string `xml:"name,attr"`
	SHA1     string `xml:"hash,attr"`
	SHA256   string `xml:"hash_sha256,attr,omitempty"`
	Size     uint64 `xml:"size,attr"`
	Required bool   `xml:"required,attr"`
}

type action struct {
	Event                 string `xml:"event,attr"`
	DisplayVersion        string `xml:"DisplayVersion,attr,omitempty"`
	SHA256                string `xml:"sha256,attr,omitempty"`
	NeedsAdmin            bool   `xml:"needsadmin,attr,omitempty"`
	IsDeltaPayload        bool   `xml:"IsDeltaPayload,attr,omitempty"`
	DisablePayloadBackoff bool   `xml:"DisablePayloadBackoff,attr,omitempty"`
	MaxFailureCountPerURL uint   `xml:"MaxFailureCountPerUrl,attr,omitempty"`
	MetadataSignatureRsa  string `xml:"MetadataSignatureRsa,attr,omitempty"`
	MetadataSize          string `xml:"MetadataSize,attr,omitempty"`
	Deadline              string `xml:"deadline,attr,omitempty"`
	MoreInfo              string `xml:"MoreInfo,attr,omitempty"`
	Prompt                bool   `xml:"Prompt,attr,omitempty"`
}

// The JSON side: @ballast/omaha's OmahaResponse (Go matches JSON keys case-insensitively).
type jsonResponse struct {
	Protocol string
	Server   string
	DayStart struct{ ElapsedSeconds string }
	Apps     []struct {
		AppID       string
		Status      string
		Ping        *statusOnly
		UpdateCheck *struct {
			Status    string
			Urls      []string
			Manifests []struct {
				Version     string
				IsFloor     bool
				FloorReason string
				IsTarget    bool
				Packages    []struct {
					Name       string
					Hash       string
					HashSha256 string
					Size       uint64
					Required   bool
				}
				Actions []action
			}
		}
		Events []*statusOnly
	}
}

func main() {
	decoder := json.NewDecoder(os.Stdin)
	for {
		var in jsonResponse
		if err := decoder.Decode(&in); err == io.EOF {
			return
		} else if err != nil {
			panic(err)
		}
		encode(&in)
		os.Stdout.WriteString("\x00")
	}
}

func encode(in *jsonResponse) {
	out := &response{Protocol: in.Protocol, Server: in.Server, DayStart: dayStart{in.DayStart.ElapsedSeconds}}
	for _, a := range in.Apps {
		app := &appResponse{ID: a.AppID, Status: a.Status, Ping: a.Ping, Events: a.Events}
		if a.UpdateCheck != nil {
			u := &updateResponse{Status: a.UpdateCheck.Status}
			for _, codebase := range a.UpdateCheck.Urls {
				u.URLs = append(u.URLs, &url{CodeBase: codebase})
			}
			for _, m := range a.UpdateCheck.Manifests {
				mm := &manifest{Version: m.Version, IsFloor: m.IsFloor, FloorReason: m.FloorReason, IsTarget: m.IsTarget}
				for _, p := range m.Packages {
					mm.Packages = append(mm.Packages, &pkg{p.Name, p.Hash, p.HashSha256, p.Size, p.Required})
				}
				for i := range m.Actions {
					mm.Actions = append(mm.Actions, &m.Actions[i])
				}
				u.Manifests = append(u.Manifests, mm)
			}
			app.UpdateCheck = u
		}
		out.Apps = append(out.Apps, app)
	}
	os.Stdout.WriteString(xml.Header)
	if err := xml.NewEncoder(os.Stdout).Encode(out); err != nil {
		panic(err)
	}
}
