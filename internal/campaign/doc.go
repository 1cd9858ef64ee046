// Package campaign is the campaign: its model and the workflows around it.
//
// The model (campaign.go, send.go) is pure: the states and the moves
// between them, what is still missing before a campaign can be sent, and
// the rules for its name and alias (the short identifier registered with
// the Campaign API on apigw, which every message carries as
// campaignAlias). Functions that find a problem with user input return a
// translation key, so the web layer can say it in the user's language.
// SendOptions (options.go) are what a campaign asks of Wavy besides its
// message: a sub-account to bill, a bot flow and, for SMS, a template kept
// at Wavy that supplies the text. PauseReason reads why the dispatcher or
// the delivery side paused a campaign, among them an exhausted account
// (credit 201, quota 215), which may pause a campaign that had completed
// (its last messages' statuses came after): FollowLive keeps its page
// following it for LateStatusWindow.
//
// Preflight (preflight.go) is pure too: it judges Facts (channel, list,
// the message rendered for every recipient, schedule, the provider's
// answer) and returns checks whose details are Texts, translation keys and
// arguments that the web layer puts into words.
//
// Service (service.go) runs the workflows over the Store and Registry it
// declares, knowing neither SQL nor HTTP:
//   - create, rename and delete go to the Campaign API first and are
//     stored here only once it agreed; when storing fails the remote change
//     is undone (LocalError says whether it could be); a refusal of the API
//     changes nothing here (RemoteError);
//   - sync imports the account's campaigns that are not here yet;
//   - the pre-flight gathers its Facts (the open WhatsApp sessions from
//     Service.Sessions when set); launch runs it again and schedules
//     the campaign in one store call; unschedule, pause, resume and cancel
//     move it; each wakes the dispatcher; archive (edit.go) hides one that
//     is over, locally only (the remote campaign stays, sent messages carry
//     its alias), and wakes nothing;
//   - SaveMessage (edit.go) stores everything a draft's SMS editor saves
//     (text, Flash, extraInfo, accents, send options) in one store call;
//   - a draft's audience is a list or a segment (audience.go, over
//     Service.Audience): a segment is walked and counted live until the
//     launch freezes its contacts into the campaign's own list in the same
//     store call that schedules it (Unschedule thaws it); the pre-flight
//     counts the recipients Service.FrequencyCap would keep back;
//   - duplicate (reuse.go) registers a new campaign like create and stores
//     it as a copy of another's channel, list, message, schedule (a start
//     that has passed is dropped) and options; ReuseNonResponders makes a
//     ready list of the recipients of a finished campaign who were sent
//     the message and did not reply.
//
// web wires the SQLite store and the provider's client to it.
package campaign
