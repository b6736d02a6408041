// Demo-only persona switcher. A real publisher's backend signs the token for its logged-in user;
// here the demo server signs one for the persona picked below (or named by ?as=<id> in the URL).
const select = document.getElementById('persona');
const thread = document.querySelector('parley-thread');
// The widget's language (its `lang` attribute; ?lang= too), set before anything waits so the thread
// never shows English first. The article stays English: only the discussion changes language.
const language = document.getElementById('language');
language.value = new URLSearchParams(location.search).get('lang') ?? localStorage.getItem('parley-demo-lang') ?? 'en';
const applyLanguage = () => {
  localStorage.setItem('parley-demo-lang', language.value);
  thread.setAttribute('lang', language.value);
};
language.addEventListener('change', applyLanguage);
applyLanguage();

const stored = new URLSearchParams(location.search).get('as') ?? localStorage.getItem('parley-demo-persona') ?? 'guest';

async function useAs(id) {
  localStorage.setItem('parley-demo-persona', id);
  // The server already rendered this reader's token into the page (?as=), as a host's backend would.
  if (thread.dataset.persona === id) return;
  delete thread.dataset.persona;
  if (id === 'guest') {
    thread.token = '';
    return;
  }
  const res = await fetch(`/demo/token?persona=${encodeURIComponent(id)}`);
  if (!res.ok) throw new Error(`token for ${id}: HTTP ${res.status}`);
  const { token } = await res.json();
  thread.token = token;
}

const personas = await (await fetch('/demo/personas')).json();
select.append(new Option('Guest (not signed in)', 'guest'));
for (const p of personas) select.append(new Option(`${p.name} · LVL ${p.lvl}${p.role ? ` · ${p.role}` : ''}`, p.id));
select.value = personas.some((p) => p.id === stored) ? stored : 'guest';
select.addEventListener('change', () => void useAs(select.value));
await useAs(select.value);

// The economy display a publisher can choose with the widget's `economy` attribute (?economy= too).
const economy = document.getElementById('economy');
economy.value = new URLSearchParams(location.search).get('economy') ?? localStorage.getItem('parley-demo-economy') ?? 'full';
const applyEconomy = () => {
  localStorage.setItem('parley-demo-economy', economy.value);
  thread.setAttribute('economy', economy.value);
};
economy.addEventListener('change', applyEconomy);
applyEconomy();
