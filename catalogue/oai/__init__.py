"""OAI-PMH 2.0 (https://www.openarchives.org/OAI/openarchivesprotocol.html) at /oai/.

protocol.py   the request's arguments checked against the protocol, datestamps, resumption tokens
records.py    which records exist (published documents, withdrawn ones as deleted) and in what order
dublin_core.py  a document as unqualified Dublin Core (oai_dc), from its CSL-JSON item
responses.py  the XML of each verb and of errors

Built on Django and lxml rather than a provider library: the one maintained Python provider
(oaipmh, the fork of pyoai) pages with offsets that re-run the whole query, passes resumption
tokens back unsigned and unchecked, answers the non-standard verb GetMetadata and lets
unexpected input end in an exception (a 500). Here lists are paged by keyset on
(datestamp, identifier), so a harvest of a million records costs the same per page and a
record changed during a harvest is neither skipped nor given twice; tokens are signed.
"""
