import { useEffect, useState } from 'preact/hooks';
import { api, answer, currentToken, onUnauthorised, setToken } from './api/client';
import type { SignedIn } from './api/answers';
import { IDLE_MINUTES, roleLabel, sessionOf, type Session } from './session';
import { pagesOf } from './roles';
import { Field, Form, Notice, Problem, useAction } from './ui/kit';

/** The page's hash path ("#/cari-nik" -> "/cari-nik"): page names only, never a value of a person. */
function useHashPath(): string {
  const read = () => location.hash.replace(/^#/, '') || '/';
  const [path, setPath] = useState(read);
  useEffect(() => {
    const changed = () => setPath(read());
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return path;
}

type Ended = 'signed-out' | 'idle' | 'expired' | null;

export function App() {
  const [session, setSession] = useState<Session | null>(null);
  const [ended, setEnded] = useState<Ended>(null);

  const end = (why: Exclude<Ended, null>) => {
    setToken(null);
    setSession(null);
    setEnded(why);
    history.replaceState(null, '', '#/');
  };
  const signOut = (why: 'signed-out' | 'idle') => {
    // The screen is cleared at once, before the gateway answers (the tab may be closing); the session ends
    // on the gateway too, with the token taken before it was forgotten.
    const token = currentToken();
    end(why);
    if (token) void api.POST('/v1/auth/logout', { headers: { authorization: `Bearer ${token}` }, keepalive: true }).catch(() => undefined);
  };

  useEffect(() => onUnauthorised(() => end('expired')), []);
  useIdleTimeout(session !== null, () => signOut('idle'));
  // Leaving the site or closing the tab: nothing of the session survives in the page.
  useEffect(() => {
    const leave = () => {
      if (session) signOut('signed-out');
    };
    addEventListener('pagehide', leave);
    return () => removeEventListener('pagehide', leave);
  }, [session]);

  if (!session)
    return (
      <SignIn
        ended={ended}
        onSignedIn={(s) => {
          setEnded(null);
          setSession(s);
        }}
      />
    );
  if (session.mustChangePassword)
    return <ChangePassword session={session} onChanged={() => setSession({ ...session, mustChangePassword: false })} onSignOut={() => signOut('signed-out')} />;
  return <Shell session={session} onSignOut={() => signOut('signed-out')} />;
}

/**
 * Signs out after IDLE_MINUTES without a key, click, scroll or touch. Measured against the wall clock, not
 * only a timer: a timer stands still while the PC sleeps or the tab is frozen, and a patient must not be on
 * the screen when it wakes. So the time since the last activity is also checked every 15 s and whenever the
 * page is shown or focused again.
 */
function useIdleTimeout(active: boolean, onIdle: () => void) {
  useEffect(() => {
    if (!active) return;
    const limit = IDLE_MINUTES * 60_000;
    let last = Date.now();
    let timer = setTimeout(onIdle, limit);
    const activity = () => {
      last = Date.now();
      clearTimeout(timer);
      timer = setTimeout(onIdle, limit);
    };
    const check = () => {
      if (Date.now() - last >= limit) onIdle();
    };
    const every = setInterval(check, 15_000);
    const events = ['keydown', 'pointerdown', 'wheel', 'touchstart'] as const;
    events.forEach((e) => addEventListener(e, activity, { passive: true }));
    const returns = ['focus', 'pageshow'] as const;
    returns.forEach((e) => addEventListener(e, check));
    document.addEventListener('visibilitychange', check);
    return () => {
      clearTimeout(timer);
      clearInterval(every);
      events.forEach((e) => removeEventListener(e, activity));
      returns.forEach((e) => removeEventListener(e, check));
      document.removeEventListener('visibilitychange', check);
    };
  }, [active]);
}

const endedNotice: Record<Exclude<Ended, null>, string> = {
  'signed-out': 'Anda telah keluar. Data yang tadi ditampilkan sudah dihapus dari layar.',
  idle: `Anda dikeluarkan otomatis setelah ${IDLE_MINUTES} menit tanpa aktivitas. Data yang tadi ditampilkan sudah dihapus dari layar.`,
  expired: 'Sesi Anda telah berakhir. Silakan masuk lagi.',
};

function SignIn({ ended, onSignedIn }: { ended: Ended; onSignedIn: (s: Session) => void }) {
  const [userId, setUserId] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, run } = useAction(async () => {
    const signedIn = await answer<SignedIn>(api.POST('/v1/auth/login', { body: { userId, password } }));
    setToken(signedIn.accessToken);
    setPassword('');
    onSignedIn(sessionOf(userId, signedIn));
  });
  return (
    <main class="sign-in">
      <h1>Gerbang Akses NIK</h1>
      <p class="subtitle">Dinas Kesehatan dan Disdukcapil Kabupaten Karanganyar</p>
      {ended && <Notice>{endedNotice[ended]}</Notice>}
      <Form class="card" onSubmit={() => void run()}>
        <h2>Masuk</h2>
        <Field label="ID pengguna" value={userId} onInput={(e) => setUserId(e.currentTarget.value)} required autoFocus />
        <Field label="Kata sandi" type="password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} required />
        <Problem error={error} />
        <button type="submit" disabled={busy}>
          {busy ? 'Memeriksa…' : 'Masuk'}
        </button>
      </Form>
      <p class="fine">Hanya untuk petugas yang berwenang, dari jaringan tertutup sesuai Perjanjian Kerja Sama. Setiap akses tercatat.</p>
    </main>
  );
}

function ChangePassword({ session, onChanged, onSignOut }: { session: Session; onChanged: () => void; onSignOut: () => void }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const { busy, error, run } = useAction(async () => {
    await answer(
      api.POST('/v1/operators/{id}/password', { params: { path: { id: session.operatorId } }, body: { currentPassword: current, newPassword: next } }),
    );
    onChanged();
  });
  return (
    <main class="sign-in">
      <h1>Ganti kata sandi</h1>
      <Notice>Sebelum melanjutkan, ganti kata sandi awal Anda dengan kata sandi yang hanya Anda ketahui.</Notice>
      <Form
        class="card"
        onSubmit={() => {
          setMismatch(next !== again);
          if (next === again) void run();
        }}
      >
        <h2>Kata sandi baru untuk {session.userId}</h2>
        <Field label="Kata sandi saat ini" type="password" value={current} onInput={(e) => setCurrent(e.currentTarget.value)} required />
        <Field
          label="Kata sandi baru"
          type="password"
          value={next}
          onInput={(e) => setNext(e.currentTarget.value)}
          required
          minLength={12}
          hint="Minimal 12 karakter; kalimat panjang lebih aman."
        />
        <Field label="Ulangi kata sandi baru" type="password" value={again} onInput={(e) => setAgain(e.currentTarget.value)} required />
        {mismatch && (
          <p class="problem" role="alert">
            Kedua isian kata sandi baru tidak sama.
          </p>
        )}
        <Problem error={error} />
        <div class="actions">
          <button type="submit" disabled={busy}>
            Simpan kata sandi
          </button>
          <button type="button" class="secondary" onClick={onSignOut}>
            Keluar
          </button>
        </div>
      </Form>
    </main>
  );
}

function Shell({ session, onSignOut }: { session: Session; onSignOut: () => void }) {
  const path = useHashPath();
  const pages = pagesOf[session.role];
  const page = pages.find((p) => p.path === path) ?? pages[0]!;
  return (
    <div class="shell">
      <header>
        <div class="brand">Gerbang Akses NIK</div>
        <div class="who">
          <span>{roleLabel[session.role]}</span> · <span>{session.userId}</span>
        </div>
        <button type="button" class="secondary" onClick={onSignOut}>
          Keluar
        </button>
      </header>
      <nav aria-label="Menu">
        {pages.map((p) => (
          <a key={p.path} href={`#${p.path}`} aria-current={p === page ? 'page' : undefined}>
            {p.title}
          </a>
        ))}
      </nav>
      <main>
        <h1>{page.title}</h1>
        <page.view session={session} />
      </main>
    </div>
  );
}
