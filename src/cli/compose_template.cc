#include "cli/compose_template.h"

#include <cctype>
#include <nlohmann/json.hpp>
#include <utility>

namespace symphony::cli {

namespace {

// Versions the repository itself builds and tests with (package.json at the root).
constexpr char kReactVersion[] = "19.3.1";
constexpr char kYjsVersion[] = "13.6.33";
constexpr char kViteVersion[] = "8.3.8";
constexpr char kPluginReactVersion[] = "6.3.0";

constexpr char kViteConfig[] = R"TPL(import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

export default defineConfig({
  plugins: [react()],
  // One copy of each, whatever the linked @symphony packages were built against: two copies of
  // yjs in one page break it ("Yjs was already imported").
  resolve: { dedupe: ['yjs', 'react', 'react-dom'] },
  server: { port: 5173 }
})
)TPL";

constexpr char kIndexHtml[] = R"TPL(<!doctype html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1.0" />
    <title>@@TITLE@@</title>
  </head>
  <body>
    <div id="root"></div>
    <script type="module" src="/src/main.jsx"></script>
  </body>
</html>
)TPL";

constexpr char kMainJsx[] = R"TPL(import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import App from './App.jsx'
import './styles.css'

createRoot(document.getElementById('root')).render(
  <StrictMode>
    <App />
  </StrictMode>
)
)TPL";

constexpr char kAppJsx[] =
    R"TPL(// A shared todo list: everyone who opens this page (with the same ?room=) edits the same list,
// sees who else is here and who is typing, and undoes only their own changes.
import { useState } from 'react'
import { createClient } from '@symphony/client'
import {
  RoomProvider,
  useCanRedo,
  useCanUndo,
  useMutation,
  useOthers,
  useRedo,
  useStatus,
  useStorage,
  useUndo,
  useUpdateMyPresence
} from '@symphony/react'

// The server (`symphony serve`, configured by symphony.toml) and the room this page shares.
const SERVER_URL = import.meta.env.VITE_SYMPHONY_URL || '@@SERVER_URL@@'
const ROOM = new URLSearchParams(location.search).get('room') || '@@ROOM@@'

// With auth on (doc/auth.md in the Symphony repository), add
// `auth: async (room) => (await fetch(`/api/token?room=${room}`)).text()` from your backend.
const client = createClient({ url: SERVER_URL })

const NAMES = ['Ada', 'Grace', 'Alan', 'Barbara', 'Edsger', 'Frances', 'Ken', 'Radia']
const COLORS = ['#e11d48', '#2563eb', '#16a34a', '#d97706', '#7c3aed', '#0891b2']
const pick = (list) => list[Math.floor(Math.random() * list.length)]
const me = { name: pick(NAMES), color: pick(COLORS) }
const NO_TODOS = []
const newId = () => Date.now().toString(36) + Math.random().toString(36).slice(2, 8)

export default function App() {
  return (
    <RoomProvider
      client={client}
      id={ROOM}
      initialPresence={{ user: me, typing: false }}
      initialStorage={{ todos: [] }}
      fallback={<p className="hint">Connecting…</p>}
    >
      <main>
        <Header />
        <TodoList />
      </main>
    </RoomProvider>
  )
}

function Header() {
  const status = useStatus()
  const others = useOthers()
  return (
    <header>
      <h1>@@TITLE@@</h1>
      <span className={`status ${status}`} title="saved: stored by the server">
        {status}
      </span>
      <div className="avatars">
        <Avatar user={me} label="you" />
        {others.map((o) => (
          <Avatar key={o.clientId} user={o.user ?? o.presence.user} />
        ))}
      </div>
    </header>
  )
}

function Avatar({ user, label }) {
  const name = user?.name ?? 'someone'
  return (
    <span
      className="avatar"
      style={{ background: user?.color ?? '#64748b' }}
      title={label ? `${name} (${label})` : name}
    >
      {name[0]}
    </span>
  )
}

function TodoList() {
  const todos = useStorage((root) => root.todos ?? NO_TODOS)
  const typing = useOthers((others) => others.filter((o) => o.presence.typing).length)
  const updateMyPresence = useUpdateMyPresence()
  const [draft, setDraft] = useState('')
  const undo = useUndo()
  const redo = useRedo()
  const canUndo = useCanUndo()
  const canRedo = useCanRedo()

  const add = useMutation(({ storage }, text) => {
    storage.list('todos').push({ id: newId(), text, done: false })
  }, [])
  const toggle = useMutation(({ storage }, id) => {
    const list = storage.list('todos')
    const i = list.findIndex((t) => t.id === id)
    if (i >= 0) list.getMap(i).set('done', !list.get(i).done)
  }, [])
  const remove = useMutation(({ storage }, id) => {
    const list = storage.list('todos')
    const i = list.findIndex((t) => t.id === id)
    if (i >= 0) list.delete(i)
  }, [])
  const clearDone = useMutation(({ storage }) => {
    const list = storage.list('todos')
    for (let i = list.length - 1; i >= 0; i--) if (list.get(i).done) list.delete(i)
  }, [])

  const submit = (e) => {
    e.preventDefault()
    if (draft.trim()) add(draft.trim())
    setDraft('')
    updateMyPresence({ typing: false })
  }

  return (
    <section>
      <form onSubmit={submit}>
        <input
          value={draft}
          placeholder="What needs doing?"
          onChange={(e) => {
            setDraft(e.target.value)
            updateMyPresence({ typing: e.target.value.length > 0 })
          }}
          onBlur={() => updateMyPresence({ typing: false })}
        />
        <button type="submit">Add</button>
      </form>
      <p className="hint">{typing > 0 ? `${typing} typing…` : '\u00a0'}</p>
      <ul>
        {todos.map((t) => (
          <li key={t.id} className={t.done ? 'done' : ''}>
            <label>
              <input type="checkbox" checked={t.done} onChange={() => toggle(t.id)} />
              {t.text}
            </label>
            <button className="remove" onClick={() => remove(t.id)} title="Delete">
              ×
            </button>
          </li>
        ))}
      </ul>
      <footer>
        <button onClick={undo} disabled={!canUndo}>Undo</button>
        <button onClick={redo} disabled={!canRedo}>Redo</button>
        <button onClick={clearDone} disabled={!todos.some((t) => t.done)}>Clear done</button>
        <span className="hint">
          room {ROOM}, {todos.length} items
        </span>
      </footer>
    </section>
  )
}
)TPL";

constexpr char kStylesCss[] = R"TPL(:root {
  font-family: system-ui, sans-serif;
  color: #0f172a;
  background: #f8fafc;
}
main {
  max-width: 36rem;
  margin: 3rem auto;
  padding: 0 1rem;
}
header {
  display: flex;
  align-items: center;
  gap: 0.75rem;
}
h1 {
  font-size: 1.5rem;
  margin: 0;
  flex: 1;
}
.status {
  font-size: 0.75rem;
  padding: 0.1rem 0.5rem;
  border-radius: 1rem;
  background: #e2e8f0;
}
.status.saved {
  background: #dcfce7;
}
.status.disconnected {
  background: #fee2e2;
}
.avatars {
  display: flex;
}
.avatar {
  width: 1.75rem;
  height: 1.75rem;
  border-radius: 50%;
  color: white;
  display: grid;
  place-items: center;
  font-size: 0.8rem;
  margin-left: -0.3rem;
  border: 2px solid #f8fafc;
}
form {
  display: flex;
  gap: 0.5rem;
  margin-top: 1.5rem;
}
form input {
  flex: 1;
  padding: 0.5rem;
  font-size: 1rem;
}
ul {
  list-style: none;
  padding: 0;
}
li {
  display: flex;
  align-items: center;
  padding: 0.4rem 0;
  border-bottom: 1px solid #e2e8f0;
}
li label {
  flex: 1;
}
li.done label {
  text-decoration: line-through;
  color: #94a3b8;
}
.remove {
  border: none;
  background: none;
  font-size: 1.2rem;
  cursor: pointer;
}
footer {
  display: flex;
  gap: 0.5rem;
  align-items: center;
}
.hint {
  color: #64748b;
  font-size: 0.85rem;
}
)TPL";

constexpr char kSymphonyToml[] =
    R"TPL(# Options for `symphony serve`, which reads ./symphony.toml when started in this directory.
# Every option: `symphony serve --print-config`.
host = "@@HOST@@"
port = @@PORT@@
data_dir = "./data"
# After `npm run build`, the server also serves the built app at http://@@HOST@@:@@PORT@@/
static_dir = "dist"
)TPL";

constexpr char kGitignore[] = R"TPL(node_modules/
dist/
data/
)TPL";

// npm copies the file: packages into node_modules (instead of linking to the checkout), so the
// app resolves one react and one yjs, and the checkout is never written to.
constexpr char kNpmrc[] = "install-links=true\n";

constexpr char kReadme[] = R"TPL(# @@TITLE@@

A shared todo list on Symphony: open it in two windows and edit together.
It uses `@symphony/client` and `@symphony/react` (`RoomProvider`, `useStorage`, `useMutation`,
`useOthers`, presence and undo) from the Symphony checkout it was made from.

## Run it

In one terminal, in this directory (the server reads `symphony.toml`: port @@PORT@@, data in `./data`):

```sh
symphony serve
```

In another:

```sh
npm install && npm run dev
```

Then open http://localhost:5173 in two windows. `?room=name` picks another list.

`symphony` is `@@BIN@@` if it is not on your PATH. The app connects to `@@SERVER_URL@@`
(set `VITE_SYMPHONY_URL` in `.env` to change it).

## Next steps

- `npm run build`, then `symphony serve` alone serves the built app at http://@@HOST@@:@@PORT@@/.
- `symphony inspect @@ROOM@@` shows the stored list; `symphony dashboard --open` the server.
- Auth: run the server with `SYMPHONY_AUTH_SECRET`, mint tokens in your backend (or with
  `symphony token`) and pass `auth` to `createClient` (see the comment in `src/App.jsx`).
)TPL";

void ReplaceAll(std::string* text, const std::string& from, const std::string& to) {
  for (size_t at = text->find(from); at != std::string::npos;
       at = text->find(from, at + to.size())) {
    text->replace(at, from.size(), to);
  }
}

// A valid npm package name from the directory's name: lowercase, [a-z0-9._-].
std::string NpmName(const std::string& name) {
  std::string out;
  for (char c : name) {
    const char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.push_back((std::isalnum(static_cast<unsigned char>(l)) || l == '-' || l == '.' || l == '_')
                      ? l
                      : '-');
  }
  while (!out.empty() && (out[0] == '.' || out[0] == '_' || out[0] == '-')) out.erase(0, 1);
  return out.empty() ? "symphony-app" : out;
}

// "my-app" -> "My app".
std::string Title(const std::string& name) {
  std::string out;
  for (char c : name) out.push_back(c == '-' || c == '_' ? ' ' : c);
  if (!out.empty()) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}

// For text inside HTML, JSX and JS single-quoted strings: the characters that would end them.
std::string Plain(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '<' || c == '>' || c == '&' || c == '\'' || c == '"' || c == '{' || c == '}' ||
        c == '\\' || c == '`') {
      continue;
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace

std::vector<ComposeFile> ComposeFiles(const ComposeParams& p) {
  nlohmann::ordered_json pkg;
  pkg["name"] = NpmName(p.name);
  pkg["private"] = true;
  pkg["version"] = "0.1.0";
  pkg["type"] = "module";
  pkg["scripts"] = {{"dev", "vite"}, {"build", "vite build"}, {"preview", "vite preview"}};
  pkg["dependencies"] = {{"@symphony/client", "file:" + p.client_dir},
                         {"@symphony/react", "file:" + p.react_dir},
                         {"react", kReactVersion},
                         {"react-dom", kReactVersion},
                         {"yjs", kYjsVersion}};
  pkg["devDependencies"] = {{"@vitejs/plugin-react", kPluginReactVersion}, {"vite", kViteVersion}};

  const std::vector<std::pair<std::string, std::string>> vars = {
      {"@@TITLE@@", Plain(Title(p.name))},         {"@@ROOM@@", NpmName(p.name) + "-todos"},
      {"@@SERVER_URL@@", Plain(p.server_url)},     {"@@HOST@@", Plain(p.server_host)},
      {"@@PORT@@", std::to_string(p.server_port)}, {"@@BIN@@", p.symphony_bin},
  };
  auto fill = [&vars](std::string text) {
    for (const auto& [from, to] : vars) ReplaceAll(&text, from, to);
    return text;
  };
  return {
      {"package.json", pkg.dump(2) + "\n"},
      {".npmrc", kNpmrc},
      {".gitignore", kGitignore},
      {".env", "VITE_SYMPHONY_URL=" + p.server_url + "\n"},
      {"symphony.toml", fill(kSymphonyToml)},
      {"vite.config.js", kViteConfig},
      {"index.html", fill(kIndexHtml)},
      {"src/main.jsx", kMainJsx},
      {"src/App.jsx", fill(kAppJsx)},
      {"src/styles.css", kStylesCss},
      {"README.md", fill(kReadme)},
  };
}

}  // namespace symphony::cli
