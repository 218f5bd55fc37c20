import { Section } from '../ui/kit';

export function Placeholder() {
  return (
    <Section title="Segera hadir">
      <p>Halaman ini sedang disiapkan.</p>
    </Section>
  );
}
