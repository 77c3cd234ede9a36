"""Personal data and secrets in a reply: Presidio, offline, on the request's one spaCy Doc.

`checksums` holds the check-digit rules, `recognizers` the GB-first recognizers declared
as data, `secrets` the secret scanner (detect-secrets, an explicit detector list), and
`engine` the analyzer and anonymizer built once per process."""
