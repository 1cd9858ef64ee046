// Package xlsxstream writes an XLSX workbook of text cells as its rows
// arrive, straight into the zip archive that is the file, so the first
// bytes leave at once and memory stays flat whatever the number of rows.
//
// Contract:
//   - Rows go into sheets of at most MaxRows rows (Excel's limit,
//     1,048,576), each starting with the header row (bold, frozen); a
//     longer export continues on a new sheet named after the first with a
//     number ("Resultados 2").
//   - Every cell is an inline string: nothing a cell holds is ever
//     evaluated as a formula by the file itself (callers still neutralise
//     cells for the programs that re-read them). Characters XML cannot
//     carry are dropped.
//   - The workbook's parts that name the sheets are written after the
//     last row, at the end of the archive, where readers find them through
//     the zip's central directory.
//
// excelize's StreamWriter keeps a sheet in a temporary file until the
// workbook is saved, so nothing can be sent before the last row is read;
// this package exists for that one reason and writes only what an export
// needs. Files are checked by reading them back with excelize.
package xlsxstream
