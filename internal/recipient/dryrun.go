package recipient

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// DryRunOptions tunes DryRun.
type DryRunOptions struct {
	// Sheet of a workbook; "" picks the first non-empty sheet.
	Sheet string
	// Region for numbers without a country code (default "BR").
	Region string
	// MaxRejectedKept rejected rows are kept in Report.Rejected.
	MaxRejectedKept int
	// Progress as in ImportOptions.
	Progress func(Progress)
}

// DryRun inspects path and imports it with the detected mapping into a sink
// that discards everything: the report says what a real import would do.
func DryRun(ctx context.Context, path string, opts DryRunOptions) (Report, error) {
	p, err := Inspect(path, InspectOptions{Sheet: opts.Sheet, Region: opts.Region})
	if err != nil {
		return Report{}, err
	}
	return Import(ctx, path, p.Mapping(), Discard, ImportOptions{
		MaxRejectedKept: opts.MaxRejectedKept,
		Progress:        opts.Progress,
	})
}

const dryRunUsage = "usage: arauto import --dry-run [--sheet NAME] [--region BR] [--rejected N] FILE"

// RunDryRunCLI implements `arauto import --dry-run FILE`: args are the
// arguments after "import". It prints the Report as indented JSON on stdout
// and returns 0, or prints one line on stderr and returns 1 (2 for usage
// errors). Flags may come before or after the file.
func RunDryRunCLI(args []string, stdout, stderr io.Writer) int {
	var (
		file    string
		dryRun  bool
		opts    = DryRunOptions{MaxRejectedKept: 0}
		usageFn = func(msg string) int {
			fmt.Fprintf(stderr, "arauto import: %s\n%s\n", msg, dryRunUsage)
			return 2
		}
	)
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || a == "-" {
			if file != "" {
				return usageFn("more than one file given")
			}
			file = a
			continue
		}
		if a == "--" {
			if i+1 < len(args) && file == "" {
				file = args[i+1]
			}
			break
		}
		takeVal := func() (string, bool) {
			if hasVal {
				return val, true
			}
			if i+1 < len(args) {
				i++
				return args[i], true
			}
			return "", false
		}
		switch name {
		case "dry-run":
			dryRun = !hasVal || val == "true" || val == "1"
		case "sheet", "region", "rejected":
			v, ok := takeVal()
			if !ok {
				return usageFn("flag --" + name + " needs a value")
			}
			switch name {
			case "sheet":
				opts.Sheet = v
			case "region":
				opts.Region = v
			case "rejected":
				if _, err := fmt.Sscanf(v, "%d", &opts.MaxRejectedKept); err != nil || opts.MaxRejectedKept < 0 {
					return usageFn("--rejected needs a non-negative number")
				}
			}
		case "h", "help":
			fmt.Fprintln(stdout, dryRunUsage)
			return 0
		default:
			return usageFn("unknown flag " + a)
		}
	}
	if !dryRun {
		return usageFn("only --dry-run is supported on the command line; import into a list from the web console")
	}
	if file == "" {
		return usageFn("no file given")
	}
	rep, err := DryRun(context.Background(), file, opts)
	if err != nil {
		fmt.Fprintf(stderr, "arauto import: %v\n", err)
		return 1
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(rep); err != nil {
		fmt.Fprintf(stderr, "arauto import: write report: %v\n", err)
		return 1
	}
	return 0
}
