// Package user is the people side of Arauto: the User model, the three roles
// and what each may do, password rules (10 characters to 72 bytes, not
// blank, not repetitive, not on the embedded list of common passwords) and
// hashing (bcrypt), and e-mail
// normalisation. It holds no storage or web code; store persists Users and
// web enforces Can on every route.
package user
