// Package batchfile writes and reads the batch files of Wavy's SFTP door
// (seeds 000, "API SFTP" and "API SFTP WhatsApp"). It is pure: bytes in,
// bytes out, no I/O of its own beyond the io.Reader / io.Writer it is given.
//
// SMS layout (one file per batch):
//
//	numero;texto;correlationId;
//	5511900000000;mensagem 1;a1-1;
//	...
//	EOF
//
// named <SUBCONTA>.<YYYYMMDD>.<SEQUENCIA>.txt (Name). The seeds end the
// example with a literal EOF line; the writer always writes it and the
// reader requires it, so a file cut short (an interrupted upload) is refused
// instead of being sent in part.
//
// WhatsApp template layout: a first line with the send date, start and end
// hour (all three may be blank), TEMPLATE, elementName, namespace,
// languageCode, languagePolicy and the parameter names separated by "|"; an
// optional media header line (IMAGE|AUDIO|VIDEO|DOCUMENT;URL|PATH;media;type);
// a line of column names, the first being the recipient; then one line per
// recipient. A parameter whose name is no column is a constant (seeds). The
// seeds document no correlationId for this layout: the writer adds a column
// named "correlationId" so statuses can be matched, an assumption to confirm
// with Wavy's support (the seeds send per-recipient customisation there).
//
// Escaping: the seeds define none. ";" separates fields and a line break
// ends a record, so neither can appear inside a value; "|" cannot appear in
// a parameter name. Writers refuse such values with a *Problem naming the
// row and field instead of altering the text the marketer wrote. Files are
// UTF-8 without BOM with "\n" line ends; readers also accept a BOM and
// "\r\n". Values are otherwise written as given (no trimming).
//
// Every refusal is a *Problem: Row is the 1-based recipient row (0 for a
// header line), Line the 1-based line of the file, Field the column name as
// the layout spells it, and Code a stable identifier the web layer
// translates (i18n keys "sftp.problem.<code>").
package batchfile
