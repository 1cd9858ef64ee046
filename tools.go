package main

import (
	"io"

	"arauto/internal/recipient"
	"arauto/internal/sandbox"
)

// runTool runs the subcommands that live in domain packages. It reports
// false for a name it does not know.
func runTool(cmd string, args []string, stdin io.Reader, stdout, stderr io.Writer) (int, bool) {
	switch cmd {
	case "sandbox":
		return sandbox.Main(args, stdout, stderr), true
	case "import":
		return recipient.RunDryRunCLI(args, stdout, stderr), true
	}
	return 0, false
}
