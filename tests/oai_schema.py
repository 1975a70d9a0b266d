"""Validation of OAI-PMH responses against the schemas in tests/data/oai (no network)."""

from functools import cache
from pathlib import Path

from lxml import etree

SCHEMAS = Path(__file__).parent / "data" / "oai"
REMOTE = {"http://www.w3.org/2001/03/xml.xsd": SCHEMAS / "xml.xsd"}


class LocalSchemas(etree.Resolver):
    """Resolves the schemas' remote imports to the local copies."""

    def resolve(self, url, public_id, context):
        if url in REMOTE:
            return self.resolve_filename(str(REMOTE[url]), context)
        return None


@cache
def response_schema() -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(LocalSchemas())
    document = etree.parse(str(SCHEMAS / "responses.xsd"), parser)
    return etree.XMLSchema(document)


def validate(xml: bytes) -> etree._Element:
    """Parse and validate one response; raises AssertionError with the schema's complaints."""
    root = etree.fromstring(xml, etree.XMLParser(no_network=True, resolve_entities=False))
    schema = response_schema()
    if not schema.validate(root):
        raise AssertionError("\n".join(str(entry) for entry in schema.error_log))
    return root
