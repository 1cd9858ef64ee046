// Package wavysftp is the client of Wavy's SFTP door (seeds 000, "API
// SFTP"): username and password over SSH (golang.org/x/crypto/ssh), files
// over github.com/pkg/sftp, in a home with the directories upload, success
// and error.
//
// Contract:
//
//   - Host key, trust on first use: with Config.HostKey empty the first
//     server key seen is accepted, reported to Config.OnFirstUse (Settings
//     stores it) and pinned for the life of the Client; with HostKey set,
//     any other key is refused with a *HostKeyMismatchError naming both
//     fingerprints (SHA256:..., as ssh-keygen -l prints them). Fingerprint
//     shows the key in force.
//   - Upload is atomic: the bytes go to a staging name outside upload
//     (Config.StagingDir, the home by default) and are renamed into upload.
//     Wavy processes whatever appears in upload at once, and a misnamed
//     file is still sent (through the default sub-account), so a partial
//     file must never be visible there. The rename refuses to replace a
//     file (ErrExists). Upload returns nil when the file is in upload (or
//     already processed); an error wrapping ErrNotUploaded when nothing
//     reached upload, so trying again is safe; any other error is an
//     unknown outcome, to be settled with Locate.
//   - Locate tells where a file is: Pending (upload), Succeeded (success),
//     Failed (error) or Absent. It looks in that order, the order Wavy
//     moves files, so a file moved while it looks is not missed.
//   - Wait polls Locate until the file leaves upload and returns its Fate;
//     for a failed file, Detail holds the error note found beside it
//     (error/<name>.log), if the server wrote one: the seeds document none.
//   - One SSH connection is shared and safe for concurrent use. A lost
//     connection is dialled again on the next call; reads and listings are
//     retried once on a fresh connection. A cancelled context closes the
//     connection, so no call outlives its context.
package wavysftp
