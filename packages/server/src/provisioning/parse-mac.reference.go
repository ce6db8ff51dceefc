// Reads one candidate MAC address per line and prints what Go's net.ParseMAC makes of it, which matchbox uses to
// normalise the mac label: "ok <address>" or "error".
package main

import (
	"bufio"
	"fmt"
	"net"
	"os"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		hw, err := net.ParseMAC(in.Text())
		if err != nil {
			fmt.Fprintln(out, "error")
		} else {
			fmt.Fprintln(out, "ok", hw.String())
		}
	}
}
