package views

import (
	"fmt"
	"net/url"
)

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

func listURL(id int64, suffix string) string { return fmt.Sprintf("/lists/%d%s", id, suffix) }
