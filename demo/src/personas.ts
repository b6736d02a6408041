/** Demo personas: the five commenters of the reference page, plus readers at other levels. */
export interface Persona {
  id: string;
  name: string;
  lvl: number;
  role?: 'moderator' | 'admin';
}

export const personas: readonly Persona[] = [
  { id: 'muchacha', name: 'Muchacha', lvl: 14 },
  { id: 'bella', name: 'Bella Ciao', lvl: 21 },
  { id: 'ongania', name: 'Ongania', lvl: 13 },
  { id: 'manolo', name: 'Manolo Noriega', lvl: 17 },
  { id: 'eliphas', name: 'eliphas', lvl: 25 },
  { id: 'newcomer', name: 'Nadia Newcomer', lvl: 4 },
  { id: 'writer', name: 'Sam Writer', lvl: 13 },
  { id: 'moderator', name: 'Mira Moderator', lvl: 30, role: 'moderator' },
  // The article's byline: the post's author, who earns from pluses and from reactions on the post.
  { id: 'staff', name: 'Staff Correspondent', lvl: 30, role: 'admin' },
];

export function findPersona(id: string): Persona | undefined {
  return personas.find((p) => p.id === id);
}
