// Package user is the people side of Arauto: the User model, the three roles
// and what each may do, password rules and hashing (bcrypt), and e-mail
// normalisation. It holds no storage or web code; store persists Users and
// web enforces Can on every route.
package user
