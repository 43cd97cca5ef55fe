// Command palisade secures Kubernetes from the Dockerfile to the running
// cluster. See the README for the commands.
package main

import (
	"os"

	"github.com/palisade-sec/palisade/internal/cli"
)

func main() {
	os.Exit(cli.Run(os.Args[1:], cli.System()))
}
