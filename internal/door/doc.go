// Package door sends campaigns through the door to Wavy an admin chose in
// Settings: HTTPS requests (the default), a kept-open SMPP 3.4 pool, or
// SFTP batch files. It is the dispatcher's Sender; main wires it.
//
// Contract:
//   - Routing is per batch, from the settings in force (re-read at most
//     every second, at once after Refresh): SMS go through the SMS door;
//     WhatsApp goes through HTTPS unless the WhatsApp door is SFTP files.
//     What a chosen door cannot carry goes over HTTPS, which every Wavy
//     account has (its status search is needed anyway): flash SMS over
//     SFTP (the layout has no flash), WhatsApp messages other than
//     approved templates over SFTP, and WhatsApp over SMPP (SMS only).
//   - The SMPP pool and the SFTP client are built from the settings and
//     kept until they change; a change closes the old pool (its batches
//     in flight end unsent or unknown and the dispatcher settles them as
//     usual). While SMPP is the SMS door, Run keeps the pool bound even
//     when nothing is sent, so receipts and replies keep arriving; they go
//     to Config.Inbound (the delivery Receiver: stored as events of the
//     webhooks' kinds).
//   - Batch sizes follow the door (dispatch.BatchSizer): an SFTP file
//     carries up to FileRows rows; an SMPP batch is a quarter second of
//     the pool's capacity per bind, so pause and cancel still act within
//     about a second; HTTPS keeps the dispatcher's 1000.
//   - Exactly once: Find asks the SFTP files first while files are a
//     door in force (a file still waiting in upload makes it fail, so
//     nothing is resent while Wavy may still process it), then the HTTPS
//     status search by correlationId for the rest (SMS of every door;
//     SMPP carries the correlationId in TLV 0x1400, see internal/smpp/esme).
//     Changing doors while messages are on their way could hide a pending
//     file from that lookup: Settings refuses to change doors while a
//     campaign is sending (see Busy in web).
//   - SMPP receipts name messages by provider id: with SMPP in force the
//     reconciler links the ids it finds (dispatch.Linker).
//   - Capacity sizes ETAs: binds x 80 submit_sm a second over SMPP (the
//     seeds' ceiling per bind), each message costing its parts.
//   - Check tests a door with the saved settings and says in a translation
//     key what happened; passwords never appear in keys, arguments or logs.
//   - The SFTP host key is trusted on first use and pinned in the settings
//     (config.SettingSFTPHostKey); ForgetHostKey unpins it so the next
//     connection pins the key then presented.
package door
