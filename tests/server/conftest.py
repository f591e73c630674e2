"""A real LSP client (pytest-lsp, on pygls) driving `paylint server` over stdio.

Each test gets a fresh server whose workspace is a temporary folder. `PAYLINT_BIN` names the
binary (scripts/test-server.sh builds a debug one, which has the fault-injection hook that the
panic test uses).
"""

import asyncio
import os
import pathlib

import pytest
import pytest_lsp
from lsprotocol import types as t
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

REPO = pathlib.Path(__file__).resolve().parents[2]
PAYLINT = os.environ.get("PAYLINT_BIN", str(REPO / "target" / "debug" / "paylint"))
# Checking a document named so panics (debug builds only).
PANICS = "panics.http"


@pytest.fixture
def workspace(tmp_path):
    return tmp_path


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=[PAYLINT, "server"],
        server_env={**os.environ, "PAYLINT_TEST_PANIC_ON": PANICS},
    )
)
async def client(lsp_client: LanguageClient, workspace):
    lsp_client.registrations = []

    @lsp_client.feature(t.CLIENT_REGISTER_CAPABILITY)
    def register(params: t.RegistrationParams):
        lsp_client.registrations.extend(params.registrations)

    capabilities = client_capabilities("visual-studio-code")
    await lsp_client.initialize_session(
        t.InitializeParams(
            capabilities=capabilities,
            root_uri=workspace.as_uri(),
            workspace_folders=[t.WorkspaceFolder(uri=workspace.as_uri(), name="ws")],
        )
    )
    yield
    await lsp_client.shutdown_session()


async def wait_diagnostics(client, uri, predicate=lambda ds: True, timeout=15.0):
    """The diagnostics last published for `uri`, once they satisfy `predicate`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        ds = client.diagnostics.get(uri)
        if ds is not None and predicate(ds):
            return ds
        if loop.time() > deadline:
            raise AssertionError(f"no diagnostics for {uri} as expected; last: {ds}")
        await asyncio.sleep(0.005)


async def open_document(client, path, text, language):
    path.write_bytes(text.encode("utf-8"))
    uri = path.as_uri()
    client.diagnostics.pop(uri, None)
    client.text_document_did_open(
        t.DidOpenTextDocumentParams(
            text_document=t.TextDocumentItem(
                uri=uri, language_id=language, version=1, text=text
            )
        )
    )
    return uri, await wait_diagnostics(client, uri)


async def change(client, uri, version, edits):
    """Applies `TextEdit`s as one didChange, then waits for the new diagnostics."""
    client.diagnostics.pop(uri, None)
    client.text_document_did_change(
        t.DidChangeTextDocumentParams(
            text_document=t.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[
                t.TextDocumentContentChangePartial(range=e.range, text=e.new_text)
                # Edits apply from the end, so earlier ranges stay valid.
                for e in sorted(
                    edits,
                    key=lambda e: (e.range.start.line, e.range.start.character),
                    reverse=True,
                )
            ],
        )
    )
    return await wait_diagnostics(client, uri)


def utf16(text):
    """Length of `text` in UTF-16 code units, as LSP counts columns."""
    return len(text.encode("utf-16-le")) // 2
