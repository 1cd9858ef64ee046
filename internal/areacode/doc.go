// Package areacode knows Brazil's area codes (DDD): the state each belongs
// to and the time zones its numbers may be in.
//
// Contract:
//   - Lookup and FromPhone are pure and read a fixed table of the 67 DDDs
//     in use (Anatel's plan).
//   - Zones lists every IANA zone where a DDD's numbers may be: most DDDs
//     lie in one zone, two do not. DDD 81 (Pernambuco) also serves
//     Fernando de Noronha (UTC-2, America/Noronha); DDD 97 (inner Amazonas)
//     spans Manaus time (UTC-4) and the western municipalities on UTC-5
//     (America/Eirunepe). Callers that respect the recipient's clock treat
//     a DDD as open only when it is open in all of its zones.
//   - Acre (68) is UTC-5; Amazonas (92), Roraima (95), Rondônia (69), Mato
//     Grosso (65, 66) and Mato Grosso do Sul (67) are UTC-4; the rest of the
//     country keeps Brasília time (UTC-3). Brazil has had no daylight
//     saving time since 2019; the zone database knows the past.
package areacode
