// An actor as the audit log and the token list record it ("alice (tok-4)"): the name as a name, the token id as an id, the seed as the system.
import { useTranslation } from 'react-i18next';

/** Who did it: the token holder's name (the seed as the system), the token id beside it as an id. */
export function ActorName({ actor }: { actor: string }) {
  const { t } = useTranslation();
  if (actor === 'seed') return <>{t('admin.audit.seedActor')}</>;
  const m = /^(.*) \((tok-\d+)\)$/.exec(actor);
  return (
    <>
      <span className="user-name">{m ? m[1] : actor}</span>
      {m && <span className="id"> {m[2]}</span>}
    </>
  );
}

