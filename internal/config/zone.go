package config

// SettingTimeZone is the settings key of the organisation's time zone, the
// IANA name every page shows times in unless a user chose another. Absent
// means Brasília time (schedule.DefaultZone).
const SettingTimeZone = "display.time_zone"
