"""End to end: `paylint server` over stdio, driven by pytest-lsp's client."""

import asyncio
import os
import pathlib

from lsprotocol import types as t

from conftest import PANICS, REPO, change, open_document, utf16, wait_diagnostics

URL = "https://graph.microsoft.com/v1.0/provisioningPolicies/p1/assignments/a1"
HTTP = f'PATCH {URL}\nContent-Type: application/json\n\n{{"groupID": "g"}}\n'


def codes(ds):
    return sorted(d.code for d in ds)


def span(d):
    r = d.range
    return (r.start.line, r.start.character, r.end.line, r.end.character)


async def quick_fix(client, uri, diagnostic):
    actions = await client.text_document_code_action_async(
        t.CodeActionParams(
            text_document=t.TextDocumentIdentifier(uri=uri),
            range=diagnostic.range,
            context=t.CodeActionContext(diagnostics=[diagnostic]),
        )
    )
    preferred = [a for a in actions if a.kind == t.CodeActionKind.QuickFix and a.is_preferred]
    assert len(preferred) == 1, actions
    return preferred[0], actions


async def fix_and_expect_clean(client, uri, ds):
    unknown = next(d for d in ds if d.code == "unknown-field")
    action, actions = await quick_fix(client, uri, unknown)
    assert action.title == "Rename `groupID` to `groupId`"
    assert any(a.kind == "source.fixAll.paylint" for a in actions)
    edits = action.edit.changes[uri]
    assert [e.new_text for e in edits] == ['"groupId"']
    # The missing-required finding goes too: groupId is now there.
    assert list(await change(client, uri, 2, edits)) == []


async def test_http_unknown_field_is_placed_fixed_and_cleared(client, workspace):
    uri, ds = await open_document(client, workspace / "update.http", HTTP, "http")
    assert codes(ds) == ["missing-required", "unknown-field"]
    unknown = next(d for d in ds if d.code == "unknown-field")
    assert span(unknown) == (3, 1, 3, 10)
    assert unknown.severity == t.DiagnosticSeverity.Error
    assert unknown.source == "paylint"
    assert unknown.code_description.href.startswith("https://")
    assert "did you mean `groupId`?" in unknown.message
    await fix_and_expect_clean(client, uri, ds)


async def test_markdown_doc_with_crlf_is_placed_fixed_and_cleared(client, workspace):
    # The Graph doc page, with CRLF line ends (its Content-length: 95 counts them) and the
    # request's groupId misspelt.
    doc = (REPO / "corpus/docs/update-provisionpolicyassignmentitem.md").read_text()
    doc = doc.replace("\r\n", "\n").replace("\n", "\r\n")
    doc = doc.replace('"groupId": "String"', '"groupID": "String"', 1)
    uri, ds = await open_document(client, workspace / "update.md", doc, "markdown")
    assert codes(ds) == ["missing-required", "unknown-field"]
    unknown = next(d for d in ds if d.code == "unknown-field")
    lines = doc.split("\r\n")
    line = next(i for i, l in enumerate(lines) if '"groupID"' in l)
    column = utf16(lines[line][: lines[line].index('"groupID"')])
    assert span(unknown) == (line, column, line, column + 9)
    await fix_and_expect_clean(client, uri, ds)


async def test_crlf_and_non_ascii_before_the_finding_count_utf16_units(client, workspace):
    body = '{"@contoso.note": "Grüße 日本 😀😀", "groupID": "g"}'
    text = "\r\n".join(
        [
            "### Mise à jour du groupe — 😀",
            f"PATCH {URL}",
            "Content-Type: application/json",
            "",
            body,
            "",
        ]
    )
    uri, ds = await open_document(client, workspace / "crlf.http", text, "http")
    unknown = next(d for d in ds if d.code == "unknown-field")
    column = utf16(body[: body.index('"groupID"')])
    # Two astral characters count two units each: UTF-16 is not code points.
    assert column == len(body[: body.index('"groupID"')]) + 2
    assert span(unknown) == (4, column, 4, column + 9)
    await fix_and_expect_clean(client, uri, ds)


async def test_hover_answers_type_operation_and_odata_type(client, workspace):
    text = (
        f"PATCH {URL}\nContent-Type: application/json\n\n"
        '{"@odata.type": "#microsoft.graph.ProvisionPolicyAssignmentItem", "groupId": "g"}\n'
    )
    uri, ds = await open_document(client, workspace / "ok.http", text, "http")
    assert list(ds) == []

    async def hover(line, character):
        h = await client.text_document_hover_async(
            t.HoverParams(
                text_document=t.TextDocumentIdentifier(uri=uri),
                position=t.Position(line=line, character=character),
            )
        )
        return h.contents.value if h else None

    on_key = await hover(3, text.split("\n")[3].index("groupId") + 2)
    assert "**groupId** `string`" in on_key
    assert "required in this message" in on_key
    assert "Identifier of the group" in on_key
    assert "update_provisionpolicyassignmentitem" in await hover(0, 3)
    assert "names **ProvisionPolicyAssignmentItem**" in await hover(3, 20)


async def test_completion_offers_missing_properties_and_odata_types(client, workspace):
    text = f"PATCH {URL}\nContent-Type: application/json\n\n{{\n  \n}}\n"
    uri, _ = await open_document(client, workspace / "new.http", text, "http")

    async def complete(line, character):
        r = await client.text_document_completion_async(
            t.CompletionParams(
                text_document=t.TextDocumentIdentifier(uri=uri),
                position=t.Position(line=line, character=character),
            )
        )
        return r.items if isinstance(r, t.CompletionList) else r

    items = await complete(4, 2)
    labels = [i.label for i in items]
    assert labels[0] == "groupId", labels  # required first
    assert "id" in labels
    assert items[0].text_edit.new_text == '"groupId": '
    # A key being typed, then the @odata.type value.
    await change(
        client,
        uri,
        2,
        [t.TextEdit(range=t.Range(start=t.Position(line=4, character=2), end=t.Position(line=4, character=2)), new_text='"@odata.type": "#')],
    )
    items = await complete(4, 19)
    assert [i.label for i in items] == ["#microsoft.graph.ProvisionPolicyAssignmentItem"]


async def test_a_malformed_message_does_not_stop_the_server(client, workspace):
    writer = client.protocol.writer

    def frame(body):
        return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)

    writer.write(frame(b"{oops!}"))  # not JSON
    writer.write(frame(b'{"jsonrpc":"2.0","id":[1]}'))  # not JSON-RPC
    writer.write(b"this is no header\r\n\r\n")  # not a frame
    # A request whose id lsp-server cannot hold is answered, not taken for a notification.
    writer.write(frame(b'{"jsonrpc":"2.0","id":99999999999,"method":"textDocument/hover"}'))
    uri, ds = await open_document(client, workspace / "after.http", HTTP, "http")
    assert codes(ds) == ["missing-required", "unknown-field"]


async def test_a_panic_is_contained_and_reported_once(client, workspace):
    if os.environ.get("PAYLINT_RELEASE_BUILD"):
        return  # the fault-injection hook exists in debug builds only
    uri, ds = await open_document(client, workspace / PANICS, HTTP, "http")
    assert codes(ds) == ["internal-error"]
    shown = [m for m in client.messages if "internal error" in m.message]
    assert len(shown) == 1 and shown[0].type == t.MessageType.Error
    # Again: the document says so, the user is not told twice, other documents are checked.
    end = t.Position(line=4, character=0)
    await change(client, uri, 2, [t.TextEdit(range=t.Range(start=end, end=end), new_text="\n")])
    assert len([m for m in client.messages if "internal error" in m.message]) == 1
    _, ds = await open_document(client, workspace / "fine.http", HTTP, "http")
    assert codes(ds) == ["missing-required", "unknown-field"]


async def test_a_file_deleted_while_open_is_still_served(client, workspace):
    path = workspace / "gone.http"
    uri, ds = await open_document(client, path, HTTP, "http")
    path.unlink()
    client.workspace_did_change_watched_files(
        t.DidChangeWatchedFilesParams(
            changes=[t.FileEvent(uri=uri, type=t.FileChangeType.Deleted)]
        )
    )
    unknown = next(d for d in ds if d.code == "unknown-field")
    action, _ = await quick_fix(client, uri, unknown)
    assert list(await change(client, uri, 2, action.edit.changes[uri])) == []
    client.text_document_did_close(
        t.DidCloseTextDocumentParams(text_document=t.TextDocumentIdentifier(uri=uri))
    )
    assert list(await wait_diagnostics(client, uri)) == []


async def test_a_bad_configuration_is_one_message_and_a_fixed_one_reloads(client, workspace):
    config = workspace / "paylint.toml"
    config.write_text('[rules]\nunknown-field = "sometimes"\n')
    uri, ds = await open_document(client, workspace / "cfg.http", HTTP, "http")
    # Checked with the defaults meanwhile.
    assert codes(ds) == ["missing-required", "unknown-field"]
    bad = [m for m in client.messages if "bad configuration" in m.message]
    assert len(bad) == 1 and "paylint.toml" in bad[0].message, client.messages
    assert any(r.method == "workspace/didChangeWatchedFiles" for r in client.registrations)
    config.write_text('[rules]\nunknown-field = "off"\n')
    client.diagnostics.pop(uri, None)
    client.workspace_did_change_watched_files(
        t.DidChangeWatchedFilesParams(
            changes=[t.FileEvent(uri=config.as_uri(), type=t.FileChangeType.Changed)]
        )
    )
    assert codes(await wait_diagnostics(client, uri)) == ["missing-required"]


async def test_huge_buffers_and_cancellation_leave_the_server_serving(client, workspace):
    big = '{"groupId": "g", "pad": "' + "x" * (65 * 1024 * 1024) + '"}'
    uri, ds = await open_document(client, workspace / "big.json", big, "json")
    assert codes(ds) == ["unreadable-file"] and "over the" in ds[0].message
    (workspace / "big.json").unlink()
    # A code action asked for mid-change and cancelled at once: either answer is fine, and
    # the server goes on.
    uri, _ = await open_document(client, workspace / "c.http", HTTP, "http")
    end = t.Position(line=4, character=0)
    client.text_document_did_change(
        t.DidChangeTextDocumentParams(
            text_document=t.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[t.TextDocumentContentChangePartial(range=t.Range(start=end, end=end), text="\n")],
        )
    )
    future = client.protocol.send_request(
        t.TEXT_DOCUMENT_CODE_ACTION,
        t.CodeActionParams(
            text_document=t.TextDocumentIdentifier(uri=uri),
            range=t.Range(start=t.Position(line=3, character=0), end=t.Position(line=3, character=5)),
            context=t.CodeActionContext(diagnostics=[]),
        ),
        msg_id="cancel-me",
    )
    client.protocol.notify(t.CANCEL_REQUEST, t.CancelParams(id="cancel-me"))
    try:
        await asyncio.wait_for(asyncio.wrap_future(future), 10)
    except Exception as e:  # RequestCancelled
        assert "cancel" in str(e).lower(), e
    _, ds = await open_document(client, workspace / "d.http", HTTP, "http")
    assert codes(ds) == ["missing-required", "unknown-field"]


def rss_kib(pid):
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


async def test_memory_stays_flat_over_a_thousand_documents(client, workspace):
    pid = client._server.pid
    text = HTTP * 20

    async def cycle(first, count):
        for n in range(first, first + count):
            uri = (workspace / f"doc{n}.http").as_uri()
            client.text_document_did_open(
                t.DidOpenTextDocumentParams(
                    text_document=t.TextDocumentItem(uri=uri, language_id="http", version=1, text=text)
                )
            )
            end = t.Position(line=0, character=0)
            client.text_document_did_change(
                t.DidChangeTextDocumentParams(
                    text_document=t.VersionedTextDocumentIdentifier(uri=uri, version=2),
                    content_changes=[t.TextDocumentContentChangePartial(range=t.Range(start=end, end=end), text="# x\n")],
                )
            )
            client.diagnostics.pop(uri, None)
            await wait_diagnostics(client, uri)
            client.text_document_did_close(
                t.DidCloseTextDocumentParams(text_document=t.TextDocumentIdentifier(uri=uri))
            )

    await cycle(0, 100)
    warm = rss_kib(pid)
    await cycle(100, 900)
    after = rss_kib(pid)
    print(f"server RSS after 100 documents: {warm} KiB, after 1,000: {after} KiB")
    assert after < warm + 4096, (warm, after)


async def test_with_metadata_an_odata_service_is_checked_and_hovered(client, workspace):
    # TripPin's metadata, named by the configuration after the server started: the change
    # of paylint.toml reloads, and the model checks and describes messages the catalog lacks.
    (workspace / "trippin.xml").write_bytes((REPO / "tests/data/odata/trippin.xml").read_bytes())
    config = workspace / "paylint.toml"
    config.write_text('metadata = "trippin.xml"\n')
    client.workspace_did_change_watched_files(
        t.DidChangeWatchedFilesParams(
            changes=[t.FileEvent(uri=config.as_uri(), type=t.FileChangeType.Created)]
        )
    )
    # Airline is not an open type: a misspelt name is an unknown field.
    text = (
        "PATCH /Airlines('AA')\nContent-Type: application/json\n\n"
        '{"Name": "American Airlines", "Nmae": "AA"}\n'
    )
    uri, ds = await open_document(client, workspace / "airline.http", text, "http")
    ds = await wait_diagnostics(client, uri, lambda ds: len(ds) > 0)
    assert codes(ds) == ["unknown-field"], ds
    assert "Airline" in ds[0].message
    at = text.split("\n")[3].index('"Nmae"')
    assert span(ds[0]) == (3, at, 3, at + 6)

    async def hover(line, character):
        h = await client.text_document_hover_async(
            t.HoverParams(
                text_document=t.TextDocumentIdentifier(uri=uri),
                position=t.Position(line=line, character=character),
            )
        )
        return h.contents.value if h else None

    on_key = await hover(3, 4)
    assert "**Name** `Edm.String`" in on_key, on_key
    assert "not nullable" in on_key
    on_line = await hover(0, 2)
    assert "update" in on_line and "Airline" in on_line, on_line
