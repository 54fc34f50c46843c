// `symphony doc apply | diff | inspect`: offline tools over Yjs update files.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <string>

#include "cli/command.h"
#include "cli/update_dump.h"
#include "crdt/doc.h"
#include "crdt/lib0/any.h"
#include "crdt/lib0/decoder.h"
#include "crdt/types/abstract_type.h"
#include "crdt/updates.h"

namespace symphony::cli {

namespace {

using crdt::UpdateFormat;

std::string Where(const Status& st, uint64_t base) {
  const uint64_t at = base + (st.has_offset() ? st.offset() : 0);
  return "at byte " + std::to_string(at) + ": " + StatusCodeName(st.code()) + ": " + st.message();
}

struct ApplyArgs {
  std::string updates;
  bool v2 = false;
  std::string out;
  std::string sv;
  bool json = false;
};

int RunApply(const ApplyArgs& a) {
  Result<std::vector<uint8_t>> file = ReadFileBytes(a.updates);
  if (!file.ok()) return Fail(kExitError, file.status().message());
  const UpdateFormat format = a.v2 ? UpdateFormat::kV2 : UpdateFormat::kV1;
  crdt::Doc doc;
  crdt::lib0::Decoder frames(file.value());
  for (uint64_t index = 0; frames.has_content(); ++index) {
    std::span<const uint8_t> update = frames.ReadVarUint8Array();
    if (frames.failed()) {
      return Fail(kExitBadInput, "update " + std::to_string(index) + " " +
                                     Where(frames.status(), 0) + " (framing)");
    }
    const uint64_t start = frames.offset() - update.size();
    Status st = doc.ApplyUpdate(update, format);
    if (!st.ok()) {
      if (!st.has_offset()) st = Status(st.code(), st.message(), 0);
      return Fail(kExitBadInput, "update " + std::to_string(index) + " " + Where(st, start));
    }
  }
  if (!a.out.empty()) {
    Status st = WriteFileBytes(a.out, doc.EncodeStateAsUpdate());
    if (!st.ok()) return Fail(kExitError, st.message());
  }
  if (!a.sv.empty()) {
    Status st = WriteFileBytes(a.sv, doc.EncodeStateVector());
    if (!st.ok()) return Fail(kExitError, st.message());
  }
  if (a.json) {
    crdt::Any view = crdt::Any::MakeObject();
    for (const auto& [name, type] : doc.share()) view.Set(name, type->ToJson());
    std::cout << crdt::StringifyJson(view) << "\n";
  }
  return kExitOk;
}

struct DiffArgs {
  std::string state;
  std::string sv;
  std::string out;
  bool v2 = false;
};

int RunDiff(const DiffArgs& a) {
  Result<std::vector<uint8_t>> state = ReadFileBytes(a.state);
  if (!state.ok()) return Fail(kExitError, state.status().message());
  Result<std::vector<uint8_t>> sv = ReadFileBytes(a.sv);
  if (!sv.ok()) return Fail(kExitError, sv.status().message());
  Result<std::vector<uint8_t>> diff =
      crdt::DiffUpdate(state.value(), sv.value(), a.v2 ? UpdateFormat::kV2 : UpdateFormat::kV1);
  if (!diff.ok()) {
    // DiffUpdate prefixes errors in the state vector with "state vector: ".
    const bool in_sv = diff.status().message().rfind("state vector: ", 0) == 0;
    return Fail(kExitBadInput, (in_sv ? a.sv : a.state) + " " + Where(diff.status(), 0));
  }
  Status st = WriteFileBytes(a.out, diff.value());
  if (!st.ok()) return Fail(kExitError, st.message());
  return kExitOk;
}

struct UpdateInspectArgs {
  std::string file;
  bool v2 = false;
};

int RunUpdateInspect(const UpdateInspectArgs& a) {
  Result<std::vector<uint8_t>> bytes = ReadFileBytes(a.file);
  if (!bytes.ok()) return Fail(kExitError, bytes.status().message());
  const UpdateFormat format = a.v2 ? UpdateFormat::kV2 : UpdateFormat::kV1;
  Result<crdt::DecodedUpdate> update = crdt::DecodeUpdate(bytes.value(), format);
  if (!update.ok()) return Fail(kExitBadInput, a.file + " " + Where(update.status(), 0));
  std::cout << DumpUpdate(update.value(), bytes->size(), format);
  return kExitOk;
}

constexpr char kDocFooter[] = R"(Update files for `apply` hold a sequence of updates, each framed as a lib0 varUint
length followed by the update's bytes (lib0 writeVarUint8Array). Updates are numbered
from 0 in error messages; byte offsets are absolute in the file.

Exit status: 0 ok, 1 usage or file errors, 2 malformed input (one line on stderr).

Examples:
  symphony doc apply --updates session.bin --out state.bin --sv state.sv --json
  symphony doc apply --updates session-v2.bin --v2 --json
  symphony doc diff --state state.bin --sv remote.sv --out missing.bin
  symphony doc inspect missing.bin
  symphony doc inspect update-v2.bin --v2)";

}  // namespace

void RegisterDocCommand(CLI::App& app, CommandRunner* runner) {
  CLI::App* doc = app.add_subcommand("doc", "Offline tools for Yjs documents and update files");
  doc->require_subcommand(1);
  doc->footer(kDocFooter);

  auto apply_args = std::make_shared<ApplyArgs>();
  CLI::App* apply = doc->add_subcommand(
      "apply", "Apply a file of framed updates, in order, to a fresh document (gc on)");
  apply->add_option("--updates", apply_args->updates, "File of framed updates")
      ->required()
      ->type_name("FILE");
  apply->add_flag("--v2", apply_args->v2, "The updates are in format v2 (default v1)");
  apply->add_option("--out", apply_args->out, "Write the document state (update v1) here")
      ->type_name("FILE");
  apply->add_option("--sv", apply_args->sv, "Write the encoded state vector here")
      ->type_name("FILE");
  apply->add_flag("--json", apply_args->json,
                  "Print the document as JSON on stdout: root name -> the root's JSON view");
  apply->callback([runner, apply_args] { *runner = [apply_args] { return RunApply(*apply_args); }; });

  auto diff_args = std::make_shared<DiffArgs>();
  CLI::App* diff = doc->add_subcommand(
      "diff", "Write what a peer with the given state vector is missing from a state update");
  diff->add_option("--state", diff_args->state, "Document state or any update (v1)")
      ->required()
      ->type_name("FILE");
  diff->add_option("--sv", diff_args->sv, "The peer's encoded state vector")
      ->required()
      ->type_name("FILE");
  diff->add_option("--out", diff_args->out, "Write the diff update here")
      ->required()
      ->type_name("FILE");
  diff->add_flag("--v2", diff_args->v2, "State and output are in format v2 (default v1)");
  diff->callback([runner, diff_args] { *runner = [diff_args] { return RunDiff(*diff_args); }; });

  auto inspect_args = std::make_shared<UpdateInspectArgs>();
  CLI::App* inspect = doc->add_subcommand(
      "inspect", "Print the structs and the delete set of one update, readably");
  inspect->add_option("file", inspect_args->file, "The update (not framed)")
      ->required()
      ->type_name("FILE");
  inspect->add_flag("--v2", inspect_args->v2, "The update is in format v2 (default v1)");
  inspect->callback(
      [runner, inspect_args] { *runner = [inspect_args] { return RunUpdateInspect(*inspect_args); }; });
}

}  // namespace symphony::cli
