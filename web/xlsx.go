package web

import (
	"bufio"
	"fmt"

	"github.com/gofiber/fiber/v2"
	"github.com/xuri/excelize/v2"
)

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// streamWorkbook answers with a filled workbook as a download. Fiber writes
// the body after the handler has returned, so the workbook is written and
// closed by the stream itself — closing it in the handler would send a
// broken file.
func (s *Server) streamWorkbook(c *fiber.Ctx, f *excelize.File, filename string) {
	c.Set(fiber.HeaderContentType, xlsxType)
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s"`, filename))
	c.Set(fiber.HeaderCacheControl, "no-store")
	rid := requestID(c)
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		defer f.Close()
		if err := f.Write(w); err != nil {
			s.log.Warn("workbook download cut short", "request_id", rid, "file", filename, "err", err)
		}
		w.Flush()
	})
}
