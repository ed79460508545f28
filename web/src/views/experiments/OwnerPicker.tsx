import { useEffect, useId, useRef, useState } from "react";
import { useQuery } from "urql";

import { UserOptionsQuery } from "./operations";
import { errorText } from "./useLiveList";

/** Users offered at a time */
const OPTIONS = 20;
const TYPING_DELAY_MS = 250;

interface Props {
  ownerId: string;
  onChange: (ownerId: string) => void;
}

interface Option {
  id: string;
  name: string;
  role: string;
}

/** The owner filter: a combobox searching the user directory (`users`) by name, each
 * option with the user's role. Keyboard: arrows move, Enter picks, Escape closes. */
export function OwnerPicker({ ownerId, onChange }: Props) {
  const id = useId();
  const listId = `${id}-list`;
  const [text, setText] = useState("");
  const [search, setSearch] = useState("");
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  // the picked user's name (the URL holds only the id)
  const [picked, setPicked] = useState<Option | null>(null);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const timer = setTimeout(() => setSearch(text.trim()), TYPING_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text]);

  const [{ data, error }] = useQuery({
    query: UserOptionsQuery,
    variables: { search: search || null, first: OPTIONS },
    pause: !open,
  });
  const options: Option[] = data?.users.edges.map((edge) => edge.node) ?? [];

  // an owner from the URL: find their name in the directory's first page
  const [{ data: directory }] = useQuery({
    query: UserOptionsQuery,
    variables: { search: null, first: 500 },
    pause: !ownerId || picked?.id === ownerId,
  });
  const known =
    picked?.id === ownerId
      ? picked
      : directory?.users.edges.map((edge) => edge.node).find((user) => user.id === ownerId);
  const ownerName = ownerId ? (known?.name ?? "Unknown user") : "";

  const choose = (option: Option) => {
    setPicked(option);
    setOpen(false);
    setText("");
    onChange(option.id);
  };

  return (
    <div className="field owner-picker">
      <label htmlFor={id}>Owner</label>
      <div className="combo">
        <input
          id={id}
          ref={input}
          role="combobox"
          aria-expanded={open}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={open && options[active] ? `${listId}-${active}` : undefined}
          autoComplete="off"
          placeholder={ownerId ? ownerName : "Anyone"}
          value={open ? text : ownerName}
          onFocus={() => {
            setOpen(true);
            setText("");
            setActive(0);
          }}
          onBlur={() => setOpen(false)}
          onChange={(event) => {
            setText(event.target.value);
            setOpen(true);
            setActive(0);
          }}
          onKeyDown={(event) => {
            if (event.key === "ArrowDown") {
              event.preventDefault();
              setOpen(true);
              setActive((a) => Math.min(a + 1, Math.max(0, options.length - 1)));
            } else if (event.key === "ArrowUp") {
              event.preventDefault();
              setActive((a) => Math.max(0, a - 1));
            } else if (event.key === "Enter" && open && options[active]) {
              event.preventDefault();
              choose(options[active]);
            } else if (event.key === "Escape") {
              setOpen(false);
            }
          }}
        />
        {ownerId ? (
          <button
            type="button"
            className="clear"
            aria-label="Any owner"
            title="Any owner"
            onClick={() => {
              setPicked(null);
              onChange("");
            }}
          >
            ×
          </button>
        ) : null}
      </div>
      {open ? (
        <ul className="options" id={listId} role="listbox" aria-label="Users">
          {error ? (
            <li role="alert" className="error">
              {errorText(error)}
            </li>
          ) : null}
          {options.map((option, index) => (
            <li
              key={option.id}
              id={`${listId}-${index}`}
              role="option"
              aria-selected={index === active}
              // mousedown: before the input's blur closes the list
              onMouseDown={(event) => {
                event.preventDefault();
                choose(option);
              }}
              onMouseEnter={() => setActive(index)}
            >
              <span>{option.name}</span> <span className="role">{option.role}</span>
            </li>
          ))}
          {data && options.length === 0 ? <li className="muted">No user matches</li> : null}
        </ul>
      ) : null}
    </div>
  );
}
