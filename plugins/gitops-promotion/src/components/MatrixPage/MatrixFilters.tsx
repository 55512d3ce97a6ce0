import {
  FormControl,
  InputLabel,
  makeStyles,
  MenuItem,
  Select,
  TextField,
  Theme,
} from '@material-ui/core';
import { MatrixService } from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { useMemo } from 'react';
import { MATRIX_SORTS, MatrixFilter, MatrixSort } from './matrixModel';

const useStyles = makeStyles((theme: Theme) => ({
  root: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(2),
    alignItems: 'flex-end',
    marginBottom: theme.spacing(2),
  },
  select: { minWidth: 180 },
  search: { minWidth: 240, flexGrow: 1, maxWidth: 420 },
}));

function distinct(values: Array<string | undefined>) {
  return [...new Set(values.filter((v): v is string => Boolean(v)))].sort();
}

function SelectFilter(props: {
  id: string;
  label: string;
  value: string;
  options: Array<{ value: string; label: string }>;
  onChange: (value: string) => void;
}) {
  const classes = useStyles();
  return (
    <FormControl className={classes.select} size="small">
      <InputLabel id={`${props.id}-label`}>{props.label}</InputLabel>
      <Select
        labelId={`${props.id}-label`}
        id={props.id}
        value={props.value}
        onChange={e => props.onChange(e.target.value as string)}
      >
        {props.options.map(o => (
          <MenuItem key={o.value} value={o.value}>
            {o.label}
          </MenuItem>
        ))}
      </Select>
    </FormControl>
  );
}

/** Owner, system, lifecycle, free text and sort: all applied without refetching. */
export function MatrixFilters(props: {
  services: MatrixService[];
  filter: MatrixFilter;
  sort: MatrixSort;
  onFilter: (filter: MatrixFilter) => void;
  onSort: (sort: MatrixSort) => void;
}) {
  const { services, filter, sort, onFilter } = props;
  const classes = useStyles();
  const options = useMemo(
    () => ({
      owners: distinct(services.flatMap(s => s.owners)),
      systems: distinct(services.flatMap(s => s.systems)),
      lifecycles: distinct(services.map(s => s.lifecycle)),
    }),
    [services],
  );
  const label = (ref: string) => ref.replace(/^[^:]+:(default\/)?/, '');
  return (
    <div className={classes.root}>
      <TextField
        className={classes.search}
        type="search"
        label="Filter services"
        placeholder="Name, owner or system"
        value={filter.text}
        onChange={e => onFilter({ ...filter, text: e.target.value })}
        inputProps={{ 'aria-label': 'Filter services' }}
      />
      <SelectFilter
        id="matrix-owner"
        label="Owner"
        value={filter.owner}
        options={[
          { value: 'mine', label: 'My groups' },
          { value: 'all', label: 'All owners' },
          ...options.owners.map(o => ({ value: o, label: label(o) })),
        ]}
        onChange={owner => onFilter({ ...filter, owner })}
      />
      <SelectFilter
        id="matrix-system"
        label="System"
        value={filter.system ?? ''}
        options={[
          { value: '', label: 'All systems' },
          ...options.systems.map(o => ({ value: o, label: label(o) })),
        ]}
        onChange={system =>
          onFilter({ ...filter, system: system || undefined })
        }
      />
      <SelectFilter
        id="matrix-lifecycle"
        label="Lifecycle"
        value={filter.lifecycle ?? ''}
        options={[
          { value: '', label: 'All lifecycles' },
          ...options.lifecycles.map(o => ({ value: o, label: o })),
        ]}
        onChange={lifecycle =>
          onFilter({ ...filter, lifecycle: lifecycle || undefined })
        }
      />
      <SelectFilter
        id="matrix-sort"
        label="Sort by"
        value={sort}
        options={MATRIX_SORTS}
        onChange={value => props.onSort(value as MatrixSort)}
      />
    </div>
  );
}
