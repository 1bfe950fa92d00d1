// Any URL no other route matches: a translated 404 page from the root error boundary. Without
// it Remix logs a stack trace for every stray request (a bot, an old bookmark).
export function loader(): never {
  throw new Response(null, { status: 404 });
}

export function action(): never {
  throw new Response(null, { status: 404 });
}

export default function NotFound() {
  return null;
}
